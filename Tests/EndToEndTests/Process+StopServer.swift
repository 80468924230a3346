import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

extension Process {
    /// Stops a server a test started: SIGTERM, then SIGKILL if it still runs after `grace` seconds,
    /// then waits for it. A child started from a test thread inherits that thread's signal mask,
    /// and libdispatch's worker threads block SIGTERM: such a child ignores terminate() for good
    /// (Go programs keep the mask they were started with), so a bare terminate + waitUntilExit
    /// can wait forever and hold a test thread with it.
    func stopServer(grace: TimeInterval = 10) {
        guard isRunning else { return }
        terminate()
        let deadline = Date().addingTimeInterval(grace)
        while isRunning, Date() < deadline { usleep(20_000) }
        if isRunning { kill(processIdentifier, SIGKILL) }
        waitUntilExit()
    }
}
