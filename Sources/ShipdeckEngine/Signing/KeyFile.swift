import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Checks on files that hold secret keys.
enum KeyFile {
    /// A secret key file must exist, be a regular file and be readable by its owner only.
    /// Shipdeck refuses (not just warns about) a key others can read: ssh does the same.
    static func checkPrivate(_ path: String, what: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ShipdeckError(
                .signing, "\(what): key file \(path) cannot be used: \(reason)",
                hint: "check the path in shipdeck.yml (relative paths are from the module directory)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ShipdeckError(.signing, "\(what): \(path) is not a regular file")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw ShipdeckError(
                .signing,
                "\(what): key file \(path) is readable by others (mode \(String(mode, radix: 8))); "
                    + "Shipdeck refuses secret keys that group or others can read",
                hint: "chmod 600 \(path)")
        }
        guard access(path, R_OK) == 0 else {
            throw ShipdeckError(
                .signing, "\(what): key file \(path) is not readable", hint: "check its owner and permissions")
        }
    }

    /// A package file (package key, certificate) must exist and be readable.
    static func checkReadable(_ path: String, what: String) throws {
        guard access(path, R_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ShipdeckError(
                .signing, "\(what): \(path) cannot be read: \(reason)",
                hint: "check the path in shipdeck.yml (relative paths are from the module directory)")
        }
    }
}
