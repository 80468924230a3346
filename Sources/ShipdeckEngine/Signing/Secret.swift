import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A password or key held in memory. Printing, dumping or encoding it shows `<secret>`; only
/// `reveal()` gives the value, and only signer code calls it, to hand it to a tool's stdin.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    init(_ value: String) { self.value = value }

    func reveal() -> String { value }

    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// `text` with every occurrence of the secret (and of each of its lines) replaced.
    func scrub(_ text: String) -> String {
        var out = text
        for piece in [value] + value.split(separator: "\n").map(String.init) where piece.count >= 4 {
            out = out.replacingOccurrences(of: piece, with: "<secret>")
        }
        return out
    }
}

/// Where a secret comes from. Config names a file or an environment variable, never the value.
public enum SecretSource: Sendable, Hashable, CustomStringConvertible {
    /// A file (a key file): it must not be readable by group or others.
    case file(String)
    /// An environment variable, by name.
    case environment(String)

    public var description: String {
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
                throw ShipdeckError(.signing, "\(what): environment variable \(name) is not set",
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

/// Checks on files that hold secret keys.
enum KeyFile {
    /// A secret key file must exist, be a regular file and be readable by its owner only.
    /// Shipdeck refuses (not just warns about) a key others can read: ssh does the same.
    static func checkPrivate(_ path: String, what: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ShipdeckError(.signing, "\(what): key file \(path) cannot be used: \(reason)",
                                hint: "check the path in shipdeck.yml (relative paths are from the module directory)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ShipdeckError(.signing, "\(what): \(path) is not a regular file")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw ShipdeckError(.signing,
                                "\(what): key file \(path) is readable by others (mode \(String(mode, radix: 8))); "
                                + "Shipdeck refuses secret keys that group or others can read",
                                hint: "chmod 600 \(path)")
        }
        guard access(path, R_OK) == 0 else {
            throw ShipdeckError(.signing, "\(what): key file \(path) is not readable", hint: "check its owner and permissions")
        }
    }

    /// A public file (public key, certificate) must exist and be readable.
    static func checkReadable(_ path: String, what: String) throws {
        guard access(path, R_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ShipdeckError(.signing, "\(what): \(path) cannot be read: \(reason)",
                                hint: "check the path in shipdeck.yml (relative paths are from the module directory)")
        }
    }
}
