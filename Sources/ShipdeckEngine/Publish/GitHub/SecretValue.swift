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
        return SecretValue(value, variable: variable)
    }
}
