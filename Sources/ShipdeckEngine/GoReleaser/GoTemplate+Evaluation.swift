import Foundation

extension GoTemplate {
    /// A template value: text or a boolean (what `eq`, `and`, `not` return).
    enum Value: Equatable {
        case string(String)
        case bool(Bool)

        var truthy: Bool {
            switch self {
            case .string(let s): return !s.isEmpty
            case .bool(let b): return b
            }
        }

        var text: String {
            switch self {
            case .string(let s): return s
            case .bool(let b): return b ? "true" : "false"
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
            case .number(let n): return .string(n)
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
            }
        }

        func field(_ path: [String]) throws -> Value {
            let name = "." + path.joined(separator: ".")
            if path[0] == "Env" {
                guard path.count == 2 else {
                    throw fail("'\(name)' is not a field; environment variables are read as .Env.NAME")
                }
                guard let value = context.env[path[1]] else {
                    throw fail(
                        "template reads \(name) but \(path[1]) is not set in the environment",
                        hint: "set \(path[1]), or add it to env: in the config")
                }
                return .string(value)
            }
            guard path.count == 1, let value = context.fields[path[0]] else {
                let known = context.fields.keys.sorted().map { "." + $0 } + [".Env.NAME"]
                let near = Suggestions.closest(to: name, in: known, limit: 1)
                throw fail(
                    "unknown template field '\(UntrustedText.escape(name))'",
                    hint: (near.isEmpty ? "" : "did you mean '\(near[0])'? ")
                        + "known fields: \(known.joined(separator: " "))")
            }
            return .string(value)
        }

        func call(_ name: String, _ args: [Expr], dot: Value?) throws -> Value {
            func arity(_ n: Int) throws {
                guard args.count == n else {
                    throw fail("'\(name)' takes \(n) argument\(n == 1 ? "" : "s"), got \(args.count)")
                }
            }
            switch name {
            case "eq", "ne":
                guard args.count >= 2 else { throw fail("'\(name)' takes at least 2 arguments, got \(args.count)") }
                let first = try evaluate(args[0], dot: dot)
                var equal = false
                for other in args.dropFirst() where try evaluate(other, dot: dot).text == first.text { equal = true }
                if name == "ne" {
                    try arity(2)
                    return .bool(!equal)
                }
                return .bool(equal)
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
            case "not":
                try arity(1)
                return .bool(!(try evaluate(args[0], dot: dot).truthy))
            case "len":
                try arity(1)
                return .string(String(try evaluate(args[0], dot: dot).text.count))
            case "title":
                try arity(1)
                let text = try evaluate(args[0], dot: dot).text
                return .string(text.prefix(1).uppercased() + text.dropFirst())
            case "tolower", "lower":
                try arity(1)
                return .string(try evaluate(args[0], dot: dot).text.lowercased())
            case "toupper", "upper":
                try arity(1)
                return .string(try evaluate(args[0], dot: dot).text.uppercased())
            case "replace":
                try arity(3)
                let values = try args.map { try evaluate($0, dot: dot).text }
                return .string(
                    values[1].isEmpty ? values[0] : values[0].replacingOccurrences(of: values[1], with: values[2]))
            case "trimprefix":
                try arity(2)
                let values = try args.map { try evaluate($0, dot: dot).text }
                return .string(
                    values[0].hasPrefix(values[1]) ? String(values[0].dropFirst(values[1].count)) : values[0])
            case "trimsuffix":
                try arity(2)
                let values = try args.map { try evaluate($0, dot: dot).text }
                return .string(values[0].hasSuffix(values[1]) ? String(values[0].dropLast(values[1].count)) : values[0])
            default:
                throw fail("unknown function '\(name)'")
            }
        }
    }
}
