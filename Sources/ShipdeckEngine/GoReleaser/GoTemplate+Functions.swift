import Foundation

extension GoTemplate {
    static let functions: Set<String> = [
        // Go's text/template built-ins
        "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "len", "index", "slice", "print", "printf",
        "println", "urlquery",
        // GoReleaser's (internal/tmpl)
        "title", "tolower", "toupper", "replace", "split", "time", "contains", "trim", "trimprefix",
        "trimsuffix", "dir", "base", "abs", "join", "incmajor", "incminor", "incpatch", "filter",
        "reverseFilter", "mdv2escape", "envOrDefault", "isEnvSet", "map", "indexOrDefault", "urlPathEscape",
        "englishJoin", "list",
    ]

    /// GoReleaser functions Shipdeck knows but does not evaluate: a template using one fails at plan
    /// time with this reason.
    static let unsupportedFunctions: [String: String] = [
        "readFile": "reads a file at template time", "mustReadFile": "reads a file at template time",
        "blake2b": "hashes a file at template time", "blake2s": "hashes a file at template time",
        "blake3": "hashes a file at template time", "crc32": "hashes a file at template time",
        "md5": "hashes a file at template time", "sha1": "hashes a file at template time",
        "sha224": "hashes a file at template time", "sha256": "hashes a file at template time",
        "sha384": "hashes a file at template time", "sha512": "hashes a file at template time",
        "sha3_224": "hashes a file at template time", "sha3_256": "hashes a file at template time",
        "sha3_384": "hashes a file at template time", "sha3_512": "hashes a file at template time",
        "html": "escapes for HTML", "js": "escapes for JavaScript", "call": "calls a function value",
    ]

    /// Methods of `.Now` (a time in UTC).
    static let timeMethods: Set<String> = [
        "Format", "Unix", "UnixMilli", "Year", "Month", "Day", "Hour", "Minute", "Second", "YearDay",
        "Weekday", "UTC",
    ]
}

extension GoTemplate.Evaluator {
        func apply(
            _ name: String, _ values: [GoTemplate.Value], arity: (Int) throws -> Void, texts: (Int) throws -> [String]
        ) throws -> GoTemplate.Value {
            switch name {
            case "eq", "ne":
                guard values.count >= 2 else { throw fail("'\(name)' takes at least 2 arguments, got \(values.count)") }
                let equal = values.dropFirst().contains { $0.text == values[0].text }
                if name == "ne" {
                    try arity(2)
                    return .bool(!equal)
                }
                return .bool(equal)
            case "lt", "le", "gt", "ge":
                try arity(2)
                let order: Int
                if case .int(let a) = values[0], case .int(let b) = values[1] {
                    order = a < b ? -1 : a == b ? 0 : 1
                } else if let a = Double(values[0].text), let b = Double(values[1].text) {
                    order = a < b ? -1 : a == b ? 0 : 1
                } else {
                    order = values[0].text < values[1].text ? -1 : values[0].text == values[1].text ? 0 : 1
                }
                switch name {
                case "lt": return .bool(order < 0)
                case "le": return .bool(order <= 0)
                case "gt": return .bool(order > 0)
                default: return .bool(order >= 0)
                }
            case "not":
                try arity(1)
                return .bool(!values[0].truthy)
            case "len":
                try arity(1)
                switch values[0] {
                case .list(let l): return .int(Int64(l.count))
                case .map(let m): return .int(Int64(m.count))
                default: return .int(Int64(values[0].text.utf8.count))
                }
            case "index":
                guard values.count >= 2 else { throw fail("'index' takes a list or map and at least 1 key") }
                var current = values[0]
                for key in values.dropFirst() {
                    switch current {
                    case .list(let l):
                        guard let i = Int(key.text), i >= 0, i < l.count else {
                            throw fail("index \(UntrustedText.escape(key.text)) out of range (the list has \(l.count) items)")
                        }
                        current = .string(l[i])
                    case .map(let m):
                        current = .string(m[key.text] ?? "")
                    default:
                        throw fail("'index' of a \(kind(current)) (only lists and maps have items)")
                    }
                }
                return current
            case "slice":
                guard !values.isEmpty, values.count <= 3 else { throw fail("'slice' takes a value and 1 or 2 indexes") }
                let bounds = try values.dropFirst().map { v -> Int in
                    guard let i = Int(v.text), i >= 0 else { throw fail("slice index '\(UntrustedText.escape(v.text))' is not a number") }
                    return i
                }
                if case .list(let l) = values[0] {
                    let lo = bounds.first ?? 0, hi = bounds.count > 1 ? bounds[1] : l.count
                    guard lo <= hi, hi <= l.count else { throw fail("slice [\(lo):\(hi)] out of range") }
                    return .list(Array(l[lo..<hi]))
                }
                let bytes = Array(values[0].text.utf8)
                let lo = bounds.first ?? 0, hi = bounds.count > 1 ? bounds[1] : bytes.count
                guard lo <= hi, hi <= bytes.count else { throw fail("slice [\(lo):\(hi)] out of range") }
                return .string(String(decoding: bytes[lo..<hi], as: UTF8.self))
            case "print":
                // Go's fmt.Sprint: spaces only between operands that are not both strings.
                var out = ""
                for (i, v) in values.enumerated() {
                    if i > 0, !(isString(values[i - 1]) || isString(v)) { out += " " }
                    out += v.text
                }
                return .string(out)
            case "println":
                return .string(values.map(\.text).joined(separator: " ") + "\n")
            case "printf":
                guard let format = values.first else { throw fail("'printf' takes a format") }
                return .string(try printf(format.text, Array(values.dropFirst())))
            case "urlquery", "urlPathEscape":
                try arity(1)
                let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: name == "urlquery" ? "-_.~" : "-_.~!$&'()*+,;=:@"))
                return .string(values[0].text.addingPercentEncoding(withAllowedCharacters: allowed) ?? values[0].text)
            case "title":
                return .string(Self.title(try texts(1)[0]))
            case "tolower", "lower":
                return .string(try texts(1)[0].lowercased())
            case "toupper", "upper":
                return .string(try texts(1)[0].uppercased())
            case "trim":
                return .string(try texts(1)[0].trimmingCharacters(in: .whitespacesAndNewlines))
            case "replace":
                let t = try texts(3)
                return .string(t[1].isEmpty ? t[0] : t[0].replacingOccurrences(of: t[1], with: t[2]))
            case "trimprefix":
                let t = try texts(2)
                return .string(t[0].hasPrefix(t[1]) ? String(t[0].dropFirst(t[1].count)) : t[0])
            case "trimsuffix":
                let t = try texts(2)
                return .string(t[0].hasSuffix(t[1]) ? String(t[0].dropLast(t[1].count)) : t[0])
            case "contains":
                let t = try texts(2)
                return .bool(t[1].isEmpty || t[0].contains(t[1]))
            case "split":
                let t = try texts(2)
                if t[1].isEmpty { return .list(t[0].map(String.init)) }
                return .list(t[0].components(separatedBy: t[1]))
            case "time":
                return .string(GoTimeFormat.format(context.now, layout: try texts(1)[0]))
            case "dir":
                return .string(PathText.goDir(try texts(1)[0]))
            case "base":
                let path = try texts(1)[0]
                return .string(path.isEmpty ? "." : (path as NSString).lastPathComponent)
            case "abs":
                let path = try texts(1)[0]
                return .string(
                    path.hasPrefix("/") ? path : URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                        .appendingPathComponent(path).standardizedFileURL.path)
            case "join":
                let parts = values.map(\.text).filter { !$0.isEmpty }
                return .string(parts.isEmpty ? "" : (NSString.path(withComponents: parts) as NSString).standardizingPath)
            case "incmajor", "incminor", "incpatch":
                let v = try texts(1)[0]
                guard let next = SemanticVersion.increment(v, part: name) else {
                    throw fail("'\(name)': '\(UntrustedText.escape(v))' is not a semantic version")
                }
                return .string(next)
            case "filter", "reverseFilter":
                let t = try texts(2)
                guard let regex = try? NSRegularExpression(pattern: t[1]) else {
                    throw fail("'\(name)': '\(UntrustedText.escape(t[1]))' is not a regular expression")
                }
                let lines = t[0].components(separatedBy: "\n").filter { line in
                    let hit = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
                    return name == "filter" ? hit : !hit
                }
                return .string(lines.joined(separator: "\n"))
            case "mdv2escape":
                var out = ""
                for c in try texts(1)[0] {
                    if "_*[]()~`>#+-=|{}.!".contains(c) { out.append("\\") }
                    out.append(c)
                }
                return .string(out)
            case "envOrDefault":
                let t = try texts(2)
                return .string(context.env[t[0]] ?? t[1])
            case "isEnvSet":
                let t = try texts(1)
                return .bool(!(context.env[t[0]] ?? "").isEmpty)
            case "map":
                guard values.count % 2 == 0 else { throw fail("map expects even number of arguments, got \(values.count)") }
                var m: [String: String] = [:]
                for i in stride(from: 0, to: values.count, by: 2) { m[values[i].text] = values[i + 1].text }
                return .map(m)
            case "indexOrDefault":
                try arity(3)
                guard case .map(let m) = values[0] else { throw fail("'indexOrDefault' needs a map first") }
                return .string(m[values[1].text] ?? values[2].text)
            case "list":
                return .list(values.map(\.text))
            case "englishJoin":
                try arity(1)
                let items: [String]
                if case .list(let l) = values[0] { items = l } else { items = [values[0].text] }
                return .string(Self.englishJoin(items))
            default:
                throw fail("unknown function '\(name)'")
            }
        }

        func isString(_ value: GoTemplate.Value) -> Bool {
            if case .string = value { return true }
            return false
        }

        /// Go's fmt verbs that configs use: %s %v %d %q %x %%, with an optional width.
        func printf(_ format: String, _ args: [GoTemplate.Value]) throws -> String {
            var out = ""
            var index = 0
            let chars = Array(format)
            var i = 0
            while i < chars.count {
                guard chars[i] == "%" else { out.append(chars[i]); i += 1; continue }
                i += 1
                var width = ""
                var leftAlign = false
                var zero = false
                while i < chars.count, "-0".contains(chars[i]) {
                    if chars[i] == "-" { leftAlign = true } else { zero = true }
                    i += 1
                }
                while i < chars.count, chars[i].isNumber { width.append(chars[i]); i += 1 }
                guard i < chars.count else { out += "%!(NOVERB)"; break }
                let verb = chars[i]
                i += 1
                if verb == "%" { out += "%"; continue }
                guard index < args.count else { out += "%!\(verb)(MISSING)"; continue }
                let arg = args[index]
                index += 1
                var text: String
                switch verb {
                case "s", "v", "d": text = arg.text
                case "q": text = "\"" + arg.text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
                case "x": text = arg.text.utf8.map { String(format: "%02x", $0) }.joined()
                case "t": text = arg.text
                default: throw fail("printf verb '%\(verb)' is not supported (use %s, %v, %d, %q or %x)")
                }
                if let w = Int(width), text.count < w {
                    let pad = String(repeating: zero && !leftAlign ? "0" : " ", count: w - text.count)
                    text = leftAlign ? text + pad : pad + text
                }
                out += text
            }
            if index < args.count { out += "%!(EXTRA " + args[index...].map(\.text).joined(separator: ", ") + ")" }
            return out
        }

        /// `cases.Title(language.English)`: each word's first letter upper case, the rest lower case.
        static func title(_ text: String) -> String {
            var out = ""
            var atStart = true
            for c in text {
                if c.isLetter || c.isNumber || c == "'" || c == "_" {
                    out += atStart ? c.uppercased() : c.lowercased()
                    atStart = false
                } else {
                    out.append(c)
                    atStart = true
                }
            }
            return out
        }

        static func englishJoin(_ items: [String]) -> String {
            let words = items.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            switch words.count {
            case 0: return ""
            case 1: return words[0]
            case 2: return "\(words[0]) and \(words[1])"
            default: return words.dropLast().joined(separator: ", ") + ", and " + words[words.count - 1]
            }
        }
}
