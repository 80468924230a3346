import Foundation
import ShipdeckEngine

/// Feeds a journal into an `EventHub` for `shipdeck watch`: replays what is there, then polls
/// for what the release appends. Polling (not inotify) works on any file system, NFS and
/// read-only mounts included, and the journal is only ever opened read-only.
final class JournalFeed: Sendable {
    /// How following a journal ended.
    enum End {
        /// The release finished with this outcome.
        case finished(ReleaseOutcome)
        /// The process writing the journal is gone and never finished it (killed or crashed).
        case writerGone(pid: Int32)
        /// The journal was deleted while it was followed (and no new one came in its place).
        case journalDeleted
        /// `--no-follow`: the journal was read as it is.
        case endOfJournal
        /// The caller asked to stop (the dashboard was closed).
        case stopped
    }

    let url: URL
    let follow: Bool
    let pollInterval: TimeInterval
    /// Told about every problem in the journal, once each.
    let report: @Sendable (String) -> Void

    init(url: URL, follow: Bool, pollInterval: TimeInterval, report: @escaping @Sendable (String) -> Void) {
        self.url = url
        self.follow = follow
        self.pollInterval = pollInterval
        self.report = report
    }

    /// Blocks until the journal ends, `stopAtFinish` and the release finished, or `shouldStop`.
    func run(into hub: EventHub, stopAtFinish: Bool, shouldStop: () -> Bool = { false }) throws -> End {
        try waitForJournal(shouldStop: shouldStop)
        if shouldStop() { return .stopped }
        var reader = try JournalReader(url: url)
        var checkedWriter = false
        // A resumed release moves the journal aside, then creates the next one: a path missing for
        // this long is a deleted journal.
        let missingGrace = max(2.0, 5 * pollInterval)
        var missingSince: Date?
        while !shouldStop() {
            let (records, problems) = reader.readAvailable()
            for record in records {
                hub.replay(record)
                if stopAtFinish, case .releaseFinished(let outcome, _) = record.event {
                    hub.flush()
                    (problems + reader.finish()).forEach { report($0.description) }
                    return .finished(outcome)
                }
            }
            // After the records: a dashboard keeps them as warnings, which a releaseStarted would clear.
            problems.forEach { report($0.description) }
            if !follow {
                reader.finish().forEach { report($0.description) }
                hub.flush()
                if let outcome = hub.snapshot().outcome { return .finished(outcome) }
                return .endOfJournal
            }
            if !records.isEmpty || !problems.isEmpty {
                checkedWriter = false
                continue
            }
            if reader.isMissing {
                let since = missingSince ?? Date()
                missingSince = since
                if Date().timeIntervalSince(since) >= missingGrace {
                    reader.finish().forEach { report($0.description) }
                    hub.flush()
                    if let outcome = hub.snapshot().outcome { return .finished(outcome) }
                    return .journalDeleted
                }
                Thread.sleep(forTimeInterval: pollInterval)
                continue
            }
            missingSince = nil
            if reader.wasReplaced {
                reader.finish().forEach { report($0.description) }
                report("a new release started in this dist/ (a resumed release); following its journal")
                reader = try JournalReader(url: url)
                continue
            }
            if let header = reader.header, reader.writerIsGone {
                // Read once more after seeing the writer gone: its last bytes may have landed in between.
                if checkedWriter {
                    reader.finish().forEach { report($0.description) }
                    hub.flush()
                    if let outcome = hub.snapshot().outcome { return .finished(outcome) }
                    return .writerGone(pid: header.pid)
                }
                checkedWriter = true
                continue
            }
            Thread.sleep(forTimeInterval: pollInterval)
        }
        return .stopped
    }

    private func waitForJournal(shouldStop: () -> Bool) throws {
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        guard follow else {
            throw ShipdeckError(
                .journal, "no journal at \(url.path)",
                hint: "pass the dist folder of a release; a release creates \(JournalHeader.fileName) when it starts")
        }
        // A release creates dist/ inside an existing folder: when even that folder is missing, the
        // path is mistyped, and waiting for it would wait forever.
        let distParent = url.deletingLastPathComponent().deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: distParent.path) else {
            throw ShipdeckError(
                .journal, "no journal at \(url.path), and \(distParent.path) does not exist",
                hint: "pass the dist folder of a release (or of one about to start in an existing folder)")
        }
        report("waiting for \(url.path) (a release creates it when it starts)")
        while !FileManager.default.fileExists(atPath: url.path), !shouldStop() {
            Thread.sleep(forTimeInterval: pollInterval)
        }
    }
}
