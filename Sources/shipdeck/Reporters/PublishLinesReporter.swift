import Foundation
import ShipdeckEngine

/// The headless lines of a publish: one per unit when it ends (one per upload), one per retry, and a
/// summary. Server words and file names are escaped.
final class PublishLinesReporter: ReleaseObserver, @unchecked Sendable {
    func release(didEmit record: EventRecord, state: ReleaseState) {
        let e = UntrustedText.escape
        switch record.event {
        case .publishUnit(let id, _, .retrying(let seconds, let reason)):
            let title = state.publish.unit(id)?.info.title ?? id
            emitLine("[publish] \(e(title)): retrying in \(DurationText.format(seconds)): \(e(reason))")
        case .publishUnit(let id, _, .finished(let result, _, let detail)):
            guard let unit = state.publish.unit(id) else { return }
            let word: String
            switch result {
            case .done: word = "ok"
            case .skipped: word = "skipped"
            case .failed: word = "FAILED"
            case .cancelled: word = "cancelled"
            }
            var line = "[\(e(unit.info.target))] \(e(unit.info.title)) \(word)"
            if let detail { line += ": " + detail.split(separator: "\n").map { e($0.trimmingCharacters(in: .whitespaces)) }.joined(separator: " — ") }
            emitLine(line)
        case .publishFinished(let outcome, let seconds):
            emitLine(Self.summary(state.publish, outcome: outcome, seconds: seconds))
        default:
            break
        }
    }

    /// "publish succeeded in 1.2s: 5 done, 2 skipped, 0 failed".
    static func summary(_ publish: PublishState, outcome: ReleaseOutcome, seconds: Double?) -> String {
        let units = publish.units
        let count = { (r: PublishUnitResult) in units.filter { $0.result == r }.count }
        return "publish \(outcome == .succeeded ? "succeeded" : "FAILED")"
            + (seconds.map { " in \(DurationText.format($0))" } ?? "") + ": "
            + "\(count(.done)) done, \(count(.skipped)) skipped, \(count(.failed)) failed"
            + (count(.cancelled) > 0 ? ", \(count(.cancelled)) not run" : "")
    }
}
