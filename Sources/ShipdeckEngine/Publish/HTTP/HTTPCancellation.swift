import Foundation

/// Lets another thread stop a request under way (`HTTPTransport.send(_:progress:cancellation:)`):
/// quitting the dashboard or cancelling a unit. Cancelling before the request starts makes it fail
/// at once; one token may serve one request at a time. `lock` guards both fields.
package final class HTTPCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var action: (@Sendable () -> Void)?

    package init() {}

    package var isCancelled: Bool { lock.withLock { cancelled } }

    package func cancel() {
        let run = lock.withLock { () -> (@Sendable () -> Void)? in
            cancelled = true
            return action
        }
        run?()
    }

    func attach(_ cancel: @escaping @Sendable () -> Void) {
        let already = lock.withLock { () -> Bool in
            action = cancel
            return cancelled
        }
        if already { cancel() }
    }

    func detach() { lock.withLock { action = nil } }
}
