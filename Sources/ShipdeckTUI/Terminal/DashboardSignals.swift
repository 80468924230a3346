import CNCursesW
import Foundation

/// Keeps SIGINT/SIGTERM from killing the process while ncurses owns the terminal.
///
/// `shipdeck release` installs its own trap first (it calls `engine.interrupt()`, and the release
/// then ends `interrupted`, which makes the dashboard return). When nobody has claimed a signal,
/// the dashboard claims it for as long as it runs: ignored as a signal, seen through a Dispatch
/// source, and restored to the default action on return. Either way ncurses, which only installs
/// handlers for signals still at their default, leaves them alone.
// `@unchecked`: `lock` guards `count`, `sources` and `claimed`.
final class DashboardSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var sources: [DispatchSourceSignal] = []
    private var claimed: [Int32] = []

    init() {
        for sig in [SIGINT, SIGTERM] where shipdeck_signal_is_default(sig) != 0 {
            shipdeck_signal_ignore(sig)
            claimed.append(sig)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                self.count += 1
                self.lock.unlock()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// True once for each signal received since the last call.
    func take() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard count > 0 else { return false }
        count -= 1
        return true
    }

    func release() {
        sources.forEach { $0.cancel() }
        sources = []
        for sig in claimed { shipdeck_signal_default(sig) }
        claimed = []
    }
}
