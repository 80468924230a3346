import Foundation

/// Why a token was cancelled.
package enum CancellationReason: Sendable, Equatable {
    /// Cancelled by a person or by the release stopping (`c`, SIGINT, …).
    case cancelled
    /// A deadline passed; the text names it ("timeout: 5m", "--timeout 30m").
    case timedOut(String)
    /// The release cannot go on; the text says why ("the journal cannot be written: …").
    case aborted(String)
}

/// Stops the commands run under it. Cancelling only sets a flag: each `ProcessRunner` loop sees
/// it within its poll interval (50 ms) and stops its own process group — TERM, then KILL after
/// `killGrace` — while it still owns the group (the leader not yet reaped). Nothing else ever
/// signals a group, so a reused process-group id cannot be hit.
package final class CancellationToken: @unchecked Sendable {
    // `lock` guards `storedReason`, the only mutable field.
    private let lock = NSLock()
    private var storedReason: CancellationReason?
    /// How long a group gets between SIGTERM and SIGKILL.
    package static let killGrace: TimeInterval = 1.5

    /// The token of the stage running on this thread: commands started without a token of
    /// their own (signers, verifiers) are stopped by it.
    @TaskLocal package static var current: CancellationToken?

    package init() {}

    package var isCancelled: Bool { lock.withLock { storedReason != nil } }

    /// Why it was cancelled; nil while it is not.
    package var reason: CancellationReason? { lock.withLock { storedReason } }

    package func cancel() { cancel(.cancelled) }

    /// Cancels with a reason; the first reason stays.
    package func cancel(_ reason: CancellationReason) {
        lock.withLock { if storedReason == nil { storedReason = reason } }
    }
}
