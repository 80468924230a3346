import Foundation

extension GoTemplate {
    /// A template value, typed as Go's text/template would see it.
    package enum Value: Sendable, Equatable {
        case string(String)
        case bool(Bool)
        case int(Int64)
        case list([String])
        case map([String: String])
        /// Seconds since 1970, shown in UTC (`.Now`).
        case time(Int64)

        var truthy: Bool {
            switch self {
            case .string(let s): return !s.isEmpty
            case .bool(let b): return b
            case .int(let i): return i != 0
            case .list(let l): return !l.isEmpty
            case .map(let m): return !m.isEmpty
            case .time: return true
            }
        }

        /// What `{{ value }}` prints, as Go's fmt would.
        var text: String {
            switch self {
            case .string(let s): return s
            case .bool(let b): return b ? "true" : "false"
            case .int(let i): return String(i)
            case .list(let l): return "[" + l.joined(separator: " ") + "]"
            case .map(let m): return "map[" + m.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ") + "]"
            case .time(let t): return GoTimeFormat.format(t, layout: "2006-01-02 15:04:05 -0700 MST")
            }
        }
    }

    struct Evaluator {
        let context: Context
        let origin: String

        func fail(_ message: String, hint: String? = nil) -> ShipdeckError {
            ShipdeckError(.template, "\(origin): \(message)", hint: hint)
        }

        func run(_ nodes: [Node], dot: Value?, into out: inout String) throws {
            for node in nodes {
                switch node {
                case .text(let text):
                    out += text
                case .action(let expr):
                    out += try evaluate(expr, dot: dot).text
                case .conditional(let branches, let otherwise):
                    var taken = false
                    for (condition, body) in branches where try evaluate(condition, dot: dot).truthy {
                        try run(body, dot: dot, into: &out)
                        taken = true
                        break
                    }
                    if !taken { try run(otherwise, dot: dot, into: &out) }
                case .with(let expr, let body, let otherwise):
                    let value = try evaluate(expr, dot: dot)
                    if value.truthy {
                        try run(body, dot: value, into: &out)
                    } else {
                        try run(otherwise, dot: dot, into: &out)
                    }
                }
            }
        }

        func evaluate(_ expr: Expr, dot: Value?) throws -> Value {
            switch expr {
            case .string(let s): return .string(s)
            case .number(let n): return Int64(n).map(Value.int) ?? .string(n)
            case .bool(let b): return .bool(b)
            case .dot:
                guard let dot else {
                    throw fail(
                        "'{{ . }}' is the whole release here, not a value", hint: "use a field such as {{ .Version }}")
                }
                return dot
            case .field(let path):
                return try field(path)
            case .call(let name, let args):
                return try call(name, args, dot: dot)
            case .method(let path, let name, let args):
                return try method(try field(path), path: path, name, args.map { try evaluate($0, dot: dot) })
            }
        }

        func field(_ path: [String]) throws -> Value {
            let name = "." + path.joined(separator: ".")
            var value: Value
            if path[0] == "Env" {
                value = .map(context.env)
                if path.count == 2, context.env[path[1]] == nil {
                    throw fail(
                        "template reads \(name) but \(path[1]) is not set in the environment",
                        hint: "set \(path[1]), or add it to env: in the config")
                }
            } else if let typed = context.values[path[0]] {
                value = typed
            } else if let text = context.fields[path[0]] {
                value = .string(text)
            } else {
                let known = (Set(context.fields.keys).union(context.values.keys)).sorted().map { "." + $0 } + [".Env.NAME"]
                let near = Suggestions.closest(to: name, in: known, limit: 1)
                if let reason = GoReleaserFields.unsupported[path[0]] {
                    throw fail(
                        "GoReleaser's field '.\(path[0])' is not supported by Shipdeck (\(reason))",
                        hint: "remove it from the template, or pass the value with .Env.NAME")
                }
                throw fail(
                    "unknown template field '\(UntrustedText.escape(name))'",
                    hint: (near.isEmpty ? "" : "did you mean '\(near[0])'? ") + "known fields: \(known.joined(separator: " "))")
            }
            for key in path.dropFirst() {
                guard case .map(let map) = value else {
                    throw fail("'\(UntrustedText.escape(name))': \(key) is not a field of a \(kind(value))")
                }
                guard let next = map[key] else {
                    throw fail("template reads \(UntrustedText.escape(name)) but \(key) is not set")
                }
                value = .string(next)
            }
            return value
        }

        func kind(_ value: Value) -> String {
            switch value {
            case .string: return "string"
            case .bool: return "bool"
            case .int: return "number"
            case .list: return "list"
            case .map: return "map"
            case .time: return "time"
            }
        }

        func method(_ value: Value, path: [String], _ name: String, _ args: [Value]) throws -> Value {
            guard case .time(let t) = value else {
                throw fail("'.\(path.joined(separator: ".")).\(name)': a \(kind(value)) has no method \(name)")
            }
            func noArgs() throws {
                guard args.isEmpty else { throw fail("'\(name)' takes no arguments") }
            }
            let parts = GoTimeFormat.parts(t)
            switch name {
            case "Format":
                guard args.count == 1 else { throw fail("'Format' takes 1 argument (a layout such as \"2006-01-02\")") }
                return .string(GoTimeFormat.format(t, layout: args[0].text))
            case "Unix": try noArgs(); return .int(t)
            case "UnixMilli": try noArgs(); return .int(t * 1000)
            case "Year": try noArgs(); return .int(Int64(parts.year))
            case "Month": try noArgs(); return .string(GoTimeFormat.months[parts.month - 1])
            case "Day": try noArgs(); return .int(Int64(parts.day))
            case "Hour": try noArgs(); return .int(Int64(parts.hour))
            case "Minute": try noArgs(); return .int(Int64(parts.minute))
            case "Second": try noArgs(); return .int(Int64(parts.second))
            case "YearDay": try noArgs(); return .int(Int64(parts.yearDay))
            case "Weekday": try noArgs(); return .string(GoTimeFormat.weekdays[parts.weekday])
            case "UTC": try noArgs(); return value
            default: throw fail("unknown method '\(name)' of .Now")
            }
        }

        // MARK: Functions

        func call(_ name: String, _ args: [Expr], dot: Value?) throws -> Value {
            func arity(_ n: Int) throws {
                guard args.count == n else {
                    throw fail("'\(name)' takes \(n) argument\(n == 1 ? "" : "s"), got \(args.count)")
                }
            }
            func texts(_ n: Int) throws -> [String] {
                try arity(n)
                return try args.map { try evaluate($0, dot: dot).text }
            }
            switch name {
            case "and":
                guard !args.isEmpty else { throw fail("'and' takes at least 1 argument") }
                var last = Value.bool(true)
                for arg in args {
                    last = try evaluate(arg, dot: dot)
                    if !last.truthy { return last }
                }
                return last
            case "or":
                guard !args.isEmpty else { throw fail("'or' takes at least 1 argument") }
                var last = Value.bool(false)
                for arg in args {
                    last = try evaluate(arg, dot: dot)
                    if last.truthy { return last }
                }
                return last
            default:
                break
            }
            let values = try args.map { try evaluate($0, dot: dot) }
            return try apply(name, values, arity: arity, texts: { n in try arity(n); return values.map(\.text) })
        }
    }
}
