import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import ShipdeckEngine

/// stdout written with write(2): FileHandle traps on EPIPE, which must end the release instead.
enum StandardOutput {
    private static let state = Mutex()
    /// Called once when stdout turns out to be closed (set by `release`).
    static var onClosed: (@Sendable () -> Void)? {
        get { state.withLock { state.onClosed } }
        set { state.withLock { state.onClosed = newValue } }
    }

    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        guard !state.withLock({ state.closed }) else { return }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 {
                offset += n
            } else if n < 0, errno == EINTR || errno == EAGAIN {
                continue
            } else {
                let first: (@Sendable () -> Void)?? = state.withLock {
                    guard !state.closed else { return nil }
                    state.closed = true
                    return .some(state.onClosed)
                }
                if let first, let call = first { call() }
                return
            }
        }
        bytes.removeAll()
    }

    /// The lock and the two fields it guards.
    final class Mutex: @unchecked Sendable {
        private let lock = NSLock()
        var closed = false
        var onClosed: (@Sendable () -> Void)?
        func withLock<R>(_ body: () -> R) -> R { lock.withLock(body) }
    }
}
