import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// An advisory `flock(2)` on one file, shared or exclusive, held until `release()`.
///
/// flock locks belong to the open file description, so two holders in one process exclude each
/// other as two processes do. The artifact cache holds it shared while it reads or adds an entry
/// and exclusive while it prunes, so a prune never removes a file another release is copying.
final class FileLock: @unchecked Sendable {
    // `descriptor` is written once in `init` and set to -1 by `release()`, under `lock`.
    private let lock = NSLock()
    private var descriptor: Int32

    /// Blocks until the lock on `url` (created when missing) is held.
    init(_ url: URL, exclusive: Bool) throws {
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ShipdeckError(.io, "cannot open the lock file \(url.path): \(String(cString: strerror(errno)))")
        }
        while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ShipdeckError(.io, "cannot lock \(url.path): \(reason)")
        }
        descriptor = fd
    }

    func release() {
        lock.withLock {
            guard descriptor >= 0 else { return }
            close(descriptor)  // closing the only descriptor drops the flock
            descriptor = -1
        }
    }

    deinit { release() }

    /// Runs `body` holding the lock on `url`.
    static func with<T>(_ url: URL, exclusive: Bool, _ body: () throws -> T) throws -> T {
        let held = try FileLock(url, exclusive: exclusive)
        defer { held.release() }
        return try body()
    }
}
