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
    /// The signals received and not yet taken, in order.
    private var received: [Int32] = []
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
                self.received.append(sig)
                self.lock.unlock()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Each signal received since the last call, once.
    func take() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        guard !received.isEmpty else { return nil }
        return received.removeFirst()
    }

    func release() {
        sources.forEach { $0.cancel() }
        sources = []
        for sig in claimed { shipdeck_signal_default(sig) }
        claimed = []
    }
}
