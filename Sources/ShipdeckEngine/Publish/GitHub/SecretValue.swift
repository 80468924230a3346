import Foundation

/// A secret read from the environment (a token, a password). It prints as `<redacted>` wherever it is
/// interpolated, dumped or reflected; only `value` gives it out, for the one header or stdin that needs it.
package struct SecretValue: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package let value: String
    /// The variable it came from, which may be shown.
    package let variable: String

    package init(_ value: String, variable: String) {
        self.value = value
        self.variable = variable
    }

    package var description: String { "<redacted $\(variable)>" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["variable": variable]) }

    /// The value of `variable` in `environment`, or an error saying how to set it.
    package static func fromEnvironment(
        _ variable: String, _ environment: [String: String], purpose: String
    ) throws -> SecretValue {
        guard let value = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw ShipdeckError(
                .config, "\(purpose): the environment variable \(variable) is not set (or empty)",
                hint: "export \(variable)=<token> before publishing; the config names the variable, never the secret")
        }
        if let problem = headerProblem(value) {
            throw ShipdeckError(
                .config,
                "\(purpose): the environment variable \(variable) holds \(problem), which an HTTP header cannot carry "
                    + "(its value is not shown)",
                hint: "set \(variable) to the token alone, without quotes, spaces or line breaks: "
                    + "export \(variable)=\"$(tr -d ' \\r\\n' < token-file)\"")
        }
        return SecretValue(value, variable: variable)
    }

    /// What in `value` cannot go into an HTTP header as a token (RFC 9110 field values; a token is
    /// printable ASCII without spaces), in words that do not show it; nil when it can.
    package static func headerProblem(_ value: String) -> String? {
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x0d, 0x0a: return "a line break (CR or LF)"
            case 0x20: return "a space"
            case 0x00..<0x20, 0x7f...0x9f: return "a control character"
            case 0x21...0x7e: continue
            default: return "a character that is not ASCII"
            }
        }
        return nil
    }

    /// `text` with every occurrence of the secret replaced by `<redacted $VARIABLE>`: for words from
    /// a server, which may echo what it was sent.
    package func redacting(_ text: String) -> String {
        guard value.count >= 4 else { return text }
        return text.replacingOccurrences(of: value, with: description)
    }
}
