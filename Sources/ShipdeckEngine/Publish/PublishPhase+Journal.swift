import Foundation

/// What the release journal (`dist/shipdeck.journal.jsonl`) says about the release a publish is
/// asked to send: only a release that finished and succeeded is published.
package struct ReleaseJournalStatus: Sendable {
    package var header: JournalHeader?
    /// Why the release may not be published (with the fix); nil when it finished and succeeded.
    package var problem: ShipdeckError?

    /// Reads the journal in `dist`. No journal at all: `header` and `problem` nil (a folder made
    /// without one; the version must then be passed).
    package static func read(dist: URL) -> ReleaseJournalStatus {
        let url = dist.appendingPathComponent(JournalHeader.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return ReleaseJournalStatus() }
        let path = dist.path
        let resume = "`shipdeck release --resume` (it rebuilds only what did not succeed), then publish again"
        guard let reader = try? JournalReader(url: url) else {
            return ReleaseJournalStatus(
                problem: ShipdeckError(
                    .dist, "cannot read the release journal \(url.path), so nothing was published",
                    hint: "run the release again"))
        }
        let records = reader.readAvailable().records
        _ = reader.finish()
        let header = reader.header
        guard header != nil else {
            return ReleaseJournalStatus(
                problem: ShipdeckError(
                    .dist, "\(url.path) is not a Shipdeck release journal, so nothing was published",
                    hint: "run the release again"))
        }
        // The last releaseFinished counts, and only when no cell was started again after it (a retry
        // from the dashboard finishes the release a second time).
        var outcome: ReleaseOutcome?
        var cells: [String: CellStatus] = [:]
        var failedSteps: [String] = []
        for record in records {
            switch record.event {
            case .releaseFinished(let result, _): outcome = result
            case .cellQueued(let cell, _):
                cells[cell] = .queued
                outcome = nil
            case .cellFinished(let cell, _, let status, _, _): cells[cell] = status
            case .stepFinished(let step, let result, _, _) where result == .failed:
                failedSteps.append(step.rawValue)
            default: break
            }
        }
        func named(_ status: CellStatus) -> [String] { cells.filter { $0.value == status }.map(\.key).sorted() }
        func list(_ names: [String]) -> String {
            names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
        }
        let problem: ShipdeckError?
        switch outcome {
        case .succeeded:
            problem = nil
        case .failed:
            let failed = named(.failed)
            let what = [
                failed.isEmpty ? nil : "cell\(failed.count == 1 ? "" : "s") \(list(failed)) failed",
                failedSteps.isEmpty ? nil : "step\(failedSteps.count == 1 ? "" : "s") \(list(failedSteps)) failed",
            ].compactMap { $0 }.joined(separator: "; ")
            problem = ShipdeckError(
                .dist,
                "the release in \(path) failed (\(what.isEmpty ? "its journal says so" : what)), "
                    + "so nothing was published",
                hint: "fix what failed and run \(resume)")
        case .cancelled:
            let cancelled = named(.cancelled)
            problem = ShipdeckError(
                .dist,
                "the release in \(path) did not finish: "
                    + (cancelled.isEmpty ? "it was cancelled" : "\(list(cancelled)) cancelled")
                    + ", so nothing was published",
                hint: "run \(resume)")
        case .interrupted:
            problem = ShipdeckError(
                .dist,
                "the release in \(path) was interrupted by a signal before it finished, so nothing was published",
                hint: "run \(resume)")
        case nil:
            if let header, header.host != ProcessInfo.processInfo.hostName {
                problem = ShipdeckError(
                    .dist,
                    "the release in \(path) did not finish (its journal has no end: process \(header.pid) on "
                        + "\(UntrustedText.escape(header.host)) is still running or was killed), "
                        + "so nothing was published",
                    hint: "wait for it to finish, or if it was killed run \(resume)")
            } else if reader.writerIsGone {
                problem = ShipdeckError(
                    .dist,
                    "the release in \(path) did not finish (its journal has no end: process \(header?.pid ?? 0) "
                        + "was killed or crashed), so nothing was published",
                    hint: "run \(resume)")
            } else {
                problem = ShipdeckError(
                    .dist,
                    "the release in \(path) is still running (process \(header?.pid ?? 0)), so nothing was published",
                    hint: "wait for it to finish (`shipdeck watch \(path)`), then publish; if it fails, run \(resume)")
            }
        }
        return ReleaseJournalStatus(header: header, problem: problem)
    }
}
