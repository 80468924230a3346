import Foundation

/// The subset of Go's text/template that GoReleaser configs use in names and flags.
///
/// Supported: text and `{{ }}` actions with `{{-` / `-}}` trim markers, `{{/* comments */}}`,
/// fields (`.ProjectName`, `.Env.NAME`, `.Runtime.Goos`, …), methods of `.Now` (`.Now.Format
/// "2006-01-02"`, `.Now.Unix`), string/number/bool literals, `if` / `else if` / `else` / `end`, `with`,
/// parentheses and `|` pipes; Go's built-in functions `eq ne lt le gt ge and or not len index slice
/// print printf println` and GoReleaser's (`GoTemplate.functions`). GoReleaser functions Shipdeck does
/// not evaluate (`readFile`, the file hashes, …) and anything else are errors that name the template
/// and the offending text, never a silent empty string.
///
/// ```swift
/// let t = try GoTemplate(#"{{ .ProjectName }}_{{ if eq .Arch "amd64" }}x86_64{{ else }}{{ .Arch }}{{ end }}"#)
/// try t.render(GoTemplate.Context(fields: ["ProjectName": "hello", "Arch": "amd64"]))  // hello_x86_64
/// ```
package struct GoTemplate: Sendable {
    /// The values a template can read. A field not in `fields` is an error (like GoReleaser's
    /// `missingkey=error`); an empty value is simply empty.
    package struct Context: Sendable {
        package var fields: [String: String]
        package var env: [String: String]
        /// Fields that are not text: booleans (`.IsSnapshot`), numbers (`.Major`), `.Now`, maps
        /// (`.Runtime`). Looked up before `fields`.
        package var values: [String: Value] = [:]
        /// What `time "layout"` formats: GoReleaser uses the wall clock; Shipdeck uses the release's
        /// SOURCE_DATE_EPOCH so that a rebuild gives the same bytes.
        package var now: Int64 = 0

        package init(fields: [String: String], env: [String: String] = [:]) {
            self.fields = fields
            self.env = env
        }
    }

    package let source: String
    /// Where the template came from, for errors (`.goreleaser.yaml: archives[0].name_template`).
    package let origin: String
    let nodes: [Node]

    package init(_ source: String, origin: String = "template") throws {
        self.source = source
        self.origin = origin
        var parser = Parser(source: source, origin: origin)
        self.nodes = try parser.parseAll()
    }

    /// Parses and renders in one step.
    package static func render(_ source: String, origin: String = "template", context: Context) throws -> String {
        guard source.contains("{{") else { return source }
        return try GoTemplate(source, origin: origin).render(context)
    }

    package func render(_ context: Context) throws -> String {
        var out = ""
        try Evaluator(context: context, origin: origin).run(nodes, dot: nil, into: &out)
        return out
    }


    // MARK: Tree

    indirect enum Expr: Sendable {
        case field([String])
        case dot
        case string(String)
        case number(String)
        case bool(Bool)
        case call(String, [Expr])
        /// `.Now.Format "2006"`: a method of a field's value, with arguments.
        case method([String], String, [Expr])
    }

    indirect enum Node: Sendable {
        case text(String)
        case action(Expr)
        /// `if`/`else if` branches in order, then the `else` body.
        case conditional(branches: [(Expr, [Node])], otherwise: [Node])
        case with(Expr, [Node], otherwise: [Node])
    }
}

// MARK: Parsing

extension GoTemplate {
    /// One `{{ … }}` with its position, after trim markers were applied to the text around it.
    struct Action {
        var body: String
        var offset: Int
    }

    enum Piece {
        case text(String)
        case action(Action)
    }

    struct Parser {
        let source: String
        let origin: String
        var pieces: [Piece] = []
        var index = 0

        init(source: String, origin: String) {
            self.source = source
            self.origin = origin
        }

        func fail(_ message: String, hint: String? = nil) -> ShipdeckError {
            ShipdeckError(
                .template, "\(origin): \(message) in template \"\(UntrustedText.escape(source))\"", hint: hint)
        }

        /// Splits the source into text and actions, applying `{{-` and `-}}`.
        mutating func split() throws {
            let chars = Array(source)
            var text = ""
            var i = 0
            var trimNextText = false
            while i < chars.count {
                if chars[i] == "{", i + 1 < chars.count, chars[i + 1] == "{" {
                    let start = i
                    var j = i + 2
                    var trimLeft = false
                    if j + 1 < chars.count, chars[j] == "-", chars[j + 1].isWhitespace {
                        trimLeft = true
                        j += 1
                    }
                    // Find the closing braces, skipping over string literals.
                    var k = j
                    var inString: Character?
                    var close: Int?
                    while k < chars.count {
                        let c = chars[k]
                        if let quote = inString {
                            if c == "\\", quote == "\"" { k += 2; continue }
                            if c == quote { inString = nil }
                        } else if c == "\"" || c == "`" {
                            inString = c
                        } else if c == "}", k + 1 < chars.count, chars[k + 1] == "}" {
                            close = k
                            break
                        }
                        k += 1
                    }
                    guard let close else {
                        throw fail("unclosed '{{' at character \(start + 1)", hint: "close the action with '}}'")
                    }
                    var bodyEnd = close
                    var trimRight = false
                    if close - 1 >= j, chars[close - 1] == "-", close - 2 >= j, chars[close - 2].isWhitespace {
                        trimRight = true
                        bodyEnd = close - 1
                    }
                    if trimNextText { text = String(text.drop(while: \.isWhitespace)) }
                    trimNextText = false
                    if trimLeft { text = String(text.reversed().drop(while: \.isWhitespace).reversed()) }
                    if !text.isEmpty { pieces.append(.text(text)) }
                    text = ""
                    let body = String(chars[j..<bodyEnd]).trimmingCharacters(in: .whitespacesAndNewlines)
                    pieces.append(.action(Action(body: body, offset: start + 1)))
                    trimNextText = trimRight
                    i = close + 2
                    continue
                }
                text.append(chars[i])
                i += 1
            }
            if trimNextText { text = String(text.drop(while: \.isWhitespace)) }
            if !text.isEmpty { pieces.append(.text(text)) }
        }

        mutating func parseAll() throws -> [Node] {
            try split()
            let (nodes, stop) = try parseList()
            if let stop {
                throw fail("'{{ \(stop.body) }}' at character \(stop.offset) has no matching 'if' or 'with'")
            }
            return nodes
        }

        /// Parses nodes until `else…` or `end` (returned) or the end of input (nil).
        mutating func parseList() throws -> ([Node], Action?) {
            var nodes: [Node] = []
            while index < pieces.count {
                let piece = pieces[index]
                index += 1
                switch piece {
                case .text(let text):
                    nodes.append(.text(text))
                case .action(let action):
                    let words = action.body
                    if words.hasPrefix("/*") {
                        guard words.hasSuffix("*/") else {
                            throw fail("unclosed comment at character \(action.offset)")
                        }
                        continue
                    }
                    if words == "end" || words == "else" || words.hasPrefix("else ") { return (nodes, action) }
                    if words.hasPrefix("if ") || words == "if" {
                        nodes.append(try parseIf(action, keyword: "if"))
                    } else if words.hasPrefix("with ") || words == "with" {
                        nodes.append(try parseWith(action))
                    } else if let keyword = ["range", "define", "template", "block", "break", "continue"]
                        .first(where: { words == $0 || words.hasPrefix($0 + " ") })
                    {
                        throw fail(
                            "'\(keyword)' is not supported (character \(action.offset))",
                            hint: "Shipdeck supports fields, if/else if/else/end, with, and eq ne and or not")
                    } else {
                        nodes.append(.action(try expression(words, at: action)))
                    }
                }
            }
            return (nodes, nil)
        }

        mutating func parseIf(_ action: Action, keyword: String) throws -> Node {
            var branches: [(Expr, [Node])] = []
            var condition = String(action.body.dropFirst(keyword.count)).trimmingCharacters(in: .whitespaces)
            var at = action
            while true {
                guard !condition.isEmpty else { throw fail("'if' without a condition at character \(at.offset)") }
                let expr = try expression(condition, at: at)
                let (body, stop) = try parseList()
                branches.append((expr, body))
                guard let stop else {
                    throw fail("'{{ if }}' at character \(action.offset) is never closed", hint: "add {{ end }}")
                }
                if stop.body == "end" { return .conditional(branches: branches, otherwise: []) }
                if stop.body == "else" {
                    let (otherwise, end) = try parseList()
                    guard let end, end.body == "end" else {
                        throw fail(
                            "'{{ else }}' at character \(stop.offset) is not followed by {{ end }}",
                            hint: "add {{ end }}")
                    }
                    return .conditional(branches: branches, otherwise: otherwise)
                }
                // else if …
                let rest = String(stop.body.dropFirst("else".count)).trimmingCharacters(in: .whitespaces)
                guard rest.hasPrefix("if ") else {
                    throw fail(
                        "'{{ \(stop.body) }}' at character \(stop.offset) is not understood",
                        hint: "write {{ else if COND }} or {{ else }}")
                }
                condition = String(rest.dropFirst(2)).trimmingCharacters(in: .whitespaces)
                at = stop
            }
        }

        mutating func parseWith(_ action: Action) throws -> Node {
            let value = String(action.body.dropFirst(4)).trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { throw fail("'with' without a value at character \(action.offset)") }
            let expr = try expression(value, at: action)
            let (body, stop) = try parseList()
            guard let stop else {
                throw fail("'{{ with }}' at character \(action.offset) is never closed", hint: "add {{ end }}")
            }
            if stop.body == "end" { return .with(expr, body, otherwise: []) }
            guard stop.body == "else" else {
                throw fail("'{{ \(stop.body) }}' inside 'with' is not supported")
            }
            let (otherwise, end) = try parseList()
            guard let end, end.body == "end" else {
                throw fail("'with' at character \(action.offset) is never closed", hint: "add {{ end }}")
            }
            return .with(expr, body, otherwise: otherwise)
        }

        // MARK: Expressions

        enum Token: Equatable {
            case word(String)
            case string(String)
            case open, close, pipe
        }

        func tokens(_ text: String, at action: Action) throws -> [Token] {
            var out: [Token] = []
            let chars = Array(text)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c.isWhitespace { i += 1; continue }
                if c == "(" { out.append(.open); i += 1; continue }
                if c == ")" { out.append(.close); i += 1; continue }
                if c == "|" { out.append(.pipe); i += 1; continue }
                if c == "\"" || c == "`" {
                    var value = ""
                    var j = i + 1
                    var closed = false
                    while j < chars.count {
                        if chars[j] == c { closed = true; break }
                        if c == "\"", chars[j] == "\\", j + 1 < chars.count {
                            let n = chars[j + 1]
                            value.append(n == "n" ? "\n" : n == "t" ? "\t" : n)
                            j += 2
                            continue
                        }
                        value.append(chars[j])
                        j += 1
                    }
                    guard closed else { throw fail("unterminated string at character \(action.offset)") }
                    out.append(.string(value))
                    i = j + 1
                    continue
                }
                var word = ""
                while i < chars.count, !chars[i].isWhitespace, !"()|\"`".contains(chars[i]) {
                    word.append(chars[i])
                    i += 1
                }
                out.append(.word(word))
            }
            return out
        }

        func expression(_ text: String, at action: Action) throws -> Expr {
            let toks = try tokens(text, at: action)
            var position = 0
            let expr = try pipeline(toks, &position, at: action)
            guard position == toks.count else {
                throw fail("unexpected ')' in '{{ \(text) }}' at character \(action.offset)")
            }
            return expr
        }

        /// `cmd | cmd …`: each later command gets the previous value as its last argument.
        func pipeline(_ toks: [Token], _ position: inout Int, at action: Action) throws -> Expr {
            var expr = try command(toks, &position, at: action)
            while position < toks.count, toks[position] == .pipe {
                position += 1
                let next = try command(toks, &position, at: action)
                switch next {
                case .call(let name, let args): expr = .call(name, args + [expr])
                default: throw fail("'|' must be followed by a function at character \(action.offset)")
                }
            }
            return expr
        }

        func command(_ toks: [Token], _ position: inout Int, at action: Action) throws -> Expr {
            var operands: [Expr] = []
            while position < toks.count, toks[position] != .pipe, toks[position] != .close {
                operands.append(try operand(toks, &position, at: action))
            }
            guard let first = operands.first else {
                throw fail("empty action at character \(action.offset)", hint: "write a field such as {{ .Version }}")
            }
            if case .call(let name, let args) = first, args.isEmpty, operands.count > 1 || Self.isFunctionName(name) {
                return .call(name, Array(operands.dropFirst()))
            }
            if case .field(let path) = first, path.count >= 2, let method = path.last,
                GoTemplate.timeMethods.contains(method)
            {
                return .method(Array(path.dropLast()), method, Array(operands.dropFirst()))
            }
            guard operands.count == 1 else {
                throw fail(
                    "'\(UntrustedText.escape(action.body))' at character \(action.offset) is not a function call",
                    hint: "functions are: \(GoTemplate.functions.sorted().joined(separator: ", "))")
            }
            return first
        }

        static func isFunctionName(_ name: String) -> Bool { GoTemplate.functions.contains(name) }

        func operand(_ toks: [Token], _ position: inout Int, at action: Action) throws -> Expr {
            let token = toks[position]
            position += 1
            switch token {
            case .string(let s): return .string(s)
            case .open:
                let inner = try pipeline(toks, &position, at: action)
                guard position < toks.count, toks[position] == .close else {
                    throw fail("unclosed '(' at character \(action.offset)")
                }
                position += 1
                return inner
            case .close, .pipe:
                throw fail("unexpected '\(token == .close ? ")" : "|")' at character \(action.offset)")
            case .word(let word):
                if word == "." { return .dot }
                if word.hasPrefix(".") {
                    let path = word.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    guard path.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } })
                    else {
                        throw fail("'\(UntrustedText.escape(word))' is not a field name (character \(action.offset))")
                    }
                    return .field(path)
                }
                if word == "true" || word == "false" { return .bool(word == "true") }
                if word.first?.isNumber == true || word.first == "-" { return .number(word) }
                if word.hasPrefix("$") {
                    throw fail(
                        "variables ('\(UntrustedText.escape(word))') are not supported (character \(action.offset))")
                }
                if let reason = GoTemplate.unsupportedFunctions[word] {
                    throw fail(
                        "GoReleaser's '\(word)' function is not supported by Shipdeck (it \(reason)) (character \(action.offset))",
                        hint: "compute the value before the release and pass it with .Env.NAME")
                }
                guard Self.isFunctionName(word) else {
                    let near = Suggestions.closest(to: word, in: GoTemplate.functions.sorted(), limit: 1)
                    throw fail(
                        "unknown function '\(UntrustedText.escape(word))' at character \(action.offset)",
                        hint: near.isEmpty
                            ? "functions are: \(GoTemplate.functions.sorted().joined(separator: ", "))"
                            : "did you mean '\(near[0])'?")
                }
                return .call(word, [])
            }
        }
    }
}
