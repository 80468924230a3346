import Foundation

/// One entry of `depends:` (or recommends, conflicts …): a package, optionally with a version
/// constraint, or alternatives separated by `|`.
///
/// Accepted: `libc6`, `libc6 (>= 2.28)` (Debian's form), `glibc >= 2.28` (rpm's form),
/// `default-mta | mail-transport-agent`. Operators: `>=`, `<=`, `=`, `>>`/`>`, `<<`/`<`. Each
/// format gets its own spelling (`>>` in a deb, `>` in an rpm); anything else is an error at plan time.
struct PackageDependency: Sendable, Hashable {
    enum Operator: String, Sendable, Hashable {
        case lessOrEqual = "<=", equal = "=", greaterOrEqual = ">=", less = "<<", greater = ">>"

        var deb: String { rawValue }
        var rpm: String {
            switch self {
            case .less: "<"
            case .greater: ">"
            default: rawValue
            }
        }
        /// RPMSENSE_LESS 2, RPMSENSE_GREATER 4, RPMSENSE_EQUAL 8.
        var rpmFlags: UInt32 {
            switch self {
            case .lessOrEqual: 2 | 8
            case .equal: 8
            case .greaterOrEqual: 4 | 8
            case .less: 2
            case .greater: 4
            }
        }
    }

    struct Term: Sendable, Hashable {
        var name: String
        var constraint: (op: Operator, version: String)?

        static func == (a: Term, b: Term) -> Bool {
            a.name == b.name && a.constraint?.op == b.constraint?.op && a.constraint?.version == b.constraint?.version
        }
        func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(constraint?.op)
            hasher.combine(constraint?.version)
        }

        var deb: String { constraint.map { "\(name) (\($0.op.deb) \($0.version))" } ?? name }
        var rpm: String { constraint.map { "\(name) \($0.op.rpm) \($0.version)" } ?? name }
    }

    /// One term, or several alternatives.
    var alternatives: [Term]

    /// The Debian spelling: `a (>= 1) | b`.
    var deb: String { alternatives.map(\.deb).joined(separator: " | ") }

    /// A syntax problem, described for the user.
    struct SyntaxError: Error { var reason: String }

    static func parse(_ text: String) throws -> PackageDependency {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        return PackageDependency(alternatives: try parts.map { try term(String($0)) })
    }

    private static func term(_ raw: String) throws -> Term {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw SyntaxError(reason: "an empty name (a stray '|'?)") }
        let nameEnd = text.firstIndex { $0 == " " || $0 == "(" || "<>=".contains($0) } ?? text.endIndex
        let name = String(text[..<nameEnd])
        guard isName(name) else {
            throw SyntaxError(
                reason:
                    "'\(name)' is not a package name (letters, digits, '+', '-', '.', '_', starting with a letter or digit)"
            )
        }
        var rest = text[nameEnd...].trimmingCharacters(in: .whitespaces)
        guard !rest.isEmpty else { return Term(name: name) }
        if rest.hasPrefix("(") {
            guard rest.hasSuffix(")") else { throw SyntaxError(reason: "'(' without a closing ')'") }
            rest = String(rest.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        let opText = String(rest.prefix { "<>=".contains($0) })
        let op: Operator
        switch opText {
        case ">=": op = .greaterOrEqual
        case "<=": op = .lessOrEqual
        case "=", "==": op = .equal
        case ">>", ">": op = .greater
        case "<<", "<": op = .less
        case "": throw SyntaxError(reason: "'\(rest)' after the name is not a version constraint such as (>= 1.0)")
        default: throw SyntaxError(reason: "'\(opText)' is not a version operator (use >=, <=, =, >> or <<)")
        }
        let version = rest.dropFirst(opText.count).trimmingCharacters(in: .whitespaces)
        guard isVersion(version) else {
            throw SyntaxError(
                reason: version.isEmpty ? "'\(opText)' without a version" : "'\(version)' is not a package version")
        }
        return Term(name: name, constraint: (op, version))
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII,
            first.properties.isAlphabetic || ("0"..."9").contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-._".unicodeScalars.contains($0))
        }
    }

    static func isVersion(_ version: String) -> Bool {
        guard let first = version.unicodeScalars.first, ("0"..."9").contains(first) else { return false }
        return version.unicodeScalars.allSatisfy {
            $0.isASCII
                && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".+~:-_^".unicodeScalars.contains($0))
        }
    }
}
