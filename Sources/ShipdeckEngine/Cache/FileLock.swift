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

    /// How long a holder is waited for before the lock is given up on (`FileLock.Busy`): the cache's
    /// holders copy one file at most, so a longer wait is a stuck or stopped process.
    static let defaultWait: Double = 15

    struct Busy: Error, CustomStringConvertible {
        let path: String
        let seconds: Double
        var description: String { "\(path) has been locked by another process for \(Int(seconds)) s" }
    }

    /// The wait was ended by the release being stopped (`CancellationToken.current`).
    struct Cancelled: Error, CustomStringConvertible {
        let path: String
        var description: String { "the release was stopped while waiting for the lock \(path)" }
    }

    /// Waits until the lock on `url` (created when missing) is held, at most `wait` seconds. A lock file
    /// that cannot be opened for writing (a read-only cache) is opened for reading: flock needs no more.
    init(_ url: URL, exclusive: Bool, wait: Double = FileLock.defaultWait) throws {
        var fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0, errno == EROFS || errno == EACCES || errno == EPERM { fd = open(url.path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            throw ShipdeckError(.io, "cannot open the lock file \(url.path): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(wait)
        while flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK, Date() < deadline {
                // A stop (SIGINT, SIGTERM, `c`) ends the wait within a poll, not after `wait`.
                if CancellationToken.current?.isCancelled == true {
                    close(fd)
                    throw Cancelled(path: url.path)
                }
                usleep(20_000)
                continue
            }
            close(fd)
            if code == EWOULDBLOCK { throw Busy(path: url.path, seconds: wait) }
            throw ShipdeckError(.io, "cannot lock \(url.path): \(String(cString: strerror(code)))")
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
    static func with<T>(_ url: URL, exclusive: Bool, wait: Double = defaultWait, _ body: () throws -> T) throws -> T {
        let held = try FileLock(url, exclusive: exclusive, wait: wait)
        defer { held.release() }
        return try body()
    }
}
