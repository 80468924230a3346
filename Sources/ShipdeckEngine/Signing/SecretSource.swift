import Foundation

/// Where a secret comes from. Config names a file or an environment variable, never the value.
package enum SecretSource: Sendable, Hashable, CustomStringConvertible {
    /// A file (a key file): it must not be readable by group or others.
    case file(String)
    /// An environment variable, by name.
    case environment(String)

    package var description: String {
        switch self {
        case .file(let path): return path
        case .environment(let name): return "$\(name)"
        }
    }

    /// Reads the secret. Errors name the file or variable, never the value.
    /// - Parameter what: what the secret is for (`minisign password`), for messages.
    func load(environment: [String: String], what: String) throws -> Secret {
        switch self {
        case .environment(let name):
            guard let value = environment[name] else {
                throw ShipdeckError(
                    .signing, "\(what): environment variable \(name) is not set",
                    hint: "export \(name) before running shipdeck (the config names the variable, never the value)")
            }
            var trimmed = value
            while trimmed.hasSuffix("\n") || trimmed.hasSuffix("\r") { trimmed.removeLast() }
            return Secret(trimmed)
        case .file(let path):
            try KeyFile.checkPrivate(path, what: what)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ShipdeckError(.signing, "\(what): cannot read \(path)", hint: "check the file's permissions")
            }
            return Secret(String(decoding: data, as: UTF8.self))
        }
    }
}
