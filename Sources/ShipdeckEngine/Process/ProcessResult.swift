import CShipdeckPOSIX
import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// How a child ended.
package struct ProcessResult: Sendable, Equatable {
    package var exitCode: Int32?
    package var signal: Int32?
    /// Stopped because its cancellation token was cancelled.
    package var cancelled: Bool
    /// Stopped because its `Command.timeout` passed.
    package var timedOut: Bool
    /// The timeout that passed, in seconds (when `timedOut`).
    package var timeout: TimeInterval?

    package init(exitCode: Int32?, signal: Int32?, cancelled: Bool, timedOut: Bool = false, timeout: TimeInterval? = nil) {
        self.exitCode = exitCode
        self.signal = signal
        self.cancelled = cancelled
        self.timedOut = timedOut
        self.timeout = timeout
    }

    package var succeeded: Bool { exitCode == 0 && !cancelled && !timedOut }

    package var summary: String {
        if cancelled { return "cancelled" }
        if timedOut { return "timed out after \(DurationText.format(timeout ?? 0)), its process tree killed" }
        if let exitCode { return "exit status \(exitCode)" }
        if let signal { return "killed by signal \(signal)" }
        return "unknown status"
    }
}
