import Foundation
import ShipdeckEngine
import ShipdeckTUI

/// The dashboard form of `shipdeck watch`: read-only (no `ReleaseCommands`, so the mutating keys
/// are inert and say why), fed from the journal on a background thread while the dashboard owns
/// the terminal on the main thread. Problems in the journal become warnings on the dashboard
/// rather than text written over it.
enum WatchDashboard {
    /// Returns nil when the dashboard cannot open this terminal (an unknown `TERM`, say): the caller
    /// then prints lines instead, as `release` does, so an ssh watcher with an odd TERM still sees
    /// the release.
    static func run(journal: URL, follow: Bool, pollInterval: TimeInterval, options: DashboardOptions) throws -> Int32? {
        try Dashboard.validate(options)
        let hub = EventHub()
        let stop = StopFlag()
        let feed = JournalFeed(url: journal, follow: follow, pollInterval: pollInterval) { message in
            hub.emit(.warning("journal: \(message)"))
        }
        let thread = Thread {
            do {
                let end = try feed.run(into: hub, stopAtFinish: false, shouldStop: { stop.isSet })
                switch end {
                case .writerGone(let pid):
                    hub.emit(.warning(WatchCommand.diedLine(pid: pid)))
                    hub.flush()
                    options.watchEnd?.set(.writerDied(pid: pid))
                case .journalDeleted:
                    hub.emit(.warning("\(journal.path) was deleted while watch followed it"))
                    hub.flush()
                    options.watchEnd?.set(.journalDeleted)
                case .finished, .endOfJournal, .stopped:
                    break
                }
            } catch {
                hub.emit(.warning("\(error)"))
            }
        }
        thread.start()
        defer { stop.set() }
        do {
            return try Dashboard.run(hub: hub, commands: nil, options: options)
        } catch {
            let text = (error as? ShipdeckError)?.description ?? "\(error)"
            FileHandle.standardError.write(
                Data("shipdeck: warning: \(UntrustedText.escapeMultiline(text))\nshipdeck: warning: printing lines instead\n".utf8))
            return nil
        }
    }

    /// Tells the feeding thread to stop once the dashboard has closed.
    // `@unchecked`: `lock` guards `value`.
    final class StopFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }
}
