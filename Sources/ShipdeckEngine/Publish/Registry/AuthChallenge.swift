import Foundation

/// One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme and its
/// parameters, as registries send them: `Bearer realm="https://auth.example/token",
/// service="registry.example",scope="repository:acme/hello:pull,push"` or `Basic realm="r"`.
package struct AuthChallenge: Sendable, Hashable {
    /// Lower-case (`bearer`, `basic`).
    package var scheme: String
    /// Parameter names lower-case; values unquoted.
    package var parameters: [String: String]

    package init?(parsing header: String) {
        var rest = Substring(header.trimmingCharacters(in: .whitespaces))
        let schemeEnd = rest.firstIndex(of: " ") ?? rest.endIndex
        let scheme = rest[..<schemeEnd].lowercased()
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return nil }
        self.scheme = scheme
        rest = rest[schemeEnd...]
        var parameters: [String: String] = [:]
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let eq = rest.firstIndex(of: "=") else { break }
            let name = rest[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: eq)...].drop { $0 == " " }
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var end = rest.endIndex
                for i in rest.indices {
                    let c = rest[i]
                    if escaped { value.append(c); escaped = false; continue }
                    if c == "\\" { escaped = true; continue }
                    if c == "\"" { end = i; break }
                    value.append(c)
                }
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            guard !name.isEmpty else { break }
            parameters[name] = value
        }
        self.parameters = parameters
    }
}
