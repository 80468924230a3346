import Foundation
import Testing

@testable import ShipdeckModel

/// The Publish pane's state, reduced from publish events (live and from a journal alike).
struct PublishStateTests {
    func apply(_ events: [EngineEvent]) -> ReleaseState {
        var state = ReleaseState()
        for (i, event) in events.enumerated() { state.apply(EventRecord(seq: i, time: Double(i), event: event)) }
        return state
    }

    let units = [
        PublishUnitInfo(id: "verify", target: "verify", title: "verify dist/"),
        PublishUnitInfo(id: "github:asset:a.tar.gz", target: "github", title: "a.tar.gz", bytes: 1000, sha256: "ab"),
    ]

    @Test func aUnitGoesFromQueuedThroughUploadingToDone() {
        let id = "github:asset:a.tar.gz"
        var state = apply([.publishStarted(units: units, dryRun: false)])
        #expect(state.publish.unit(id)?.result == nil && state.publish.unit(id)?.running == false)
        state = apply([
            .publishStarted(units: units, dryRun: false), .publishUnit(unit: id, attempt: 1, phase: .started),
            .publishUnit(unit: id, attempt: 1, phase: .progress(sent: 500, total: 1000)),
        ])
        #expect(state.publish.unit(id)?.running == true)
        #expect(state.publish.unit(id)?.sent == 500)
        state = apply([
            .publishStarted(units: units, dryRun: false), .publishUnit(unit: id, attempt: 1, phase: .started),
            .publishUnit(unit: id, attempt: 1, phase: .retrying(seconds: 1, reason: "HTTP 502")),
            .publishUnit(unit: id, attempt: 1, phase: .finished(result: .done, seconds: 2, detail: "uploaded")),
            .publishFinished(outcome: .succeeded, seconds: 3),
        ])
        #expect(state.publish.unit(id)?.result == .done)
        #expect(state.publish.unit(id)?.retries == 1)
        #expect(state.publish.outcome == .succeeded)
        #expect(state.publish.failed.isEmpty)
    }

    /// The dashboard's `r` names the attempt it starts as the unit's attempt + 1.
    @Test func aUnitCancelledBeforeItStartedHasSpentItsFirstAttempt() {
        let id = "github:asset:a.tar.gz"
        let state = apply([
            .publishStarted(units: units, dryRun: false),
            .publishUnit(unit: id, attempt: 1, phase: .finished(result: .cancelled, seconds: 0, detail: "publish cancelled")),
        ])
        #expect(state.publish.unit(id)?.result == .cancelled)
        #expect(state.publish.unit(id)?.attempt == 1)
    }

    @Test func publishEventsSurviveTheJournalsCoding() throws {
        let event = EngineEvent.publishUnit(
            unit: "github:asset:a.tar.gz", attempt: 2, phase: .finished(result: .failed, seconds: 1.5, detail: "GitHub: 503"))
        let record = EventRecord(seq: 7, time: 1, event: event)
        let decoded = try JSONDecoder().decode(EventRecord.self, from: JSONEncoder().encode(record))
        #expect(decoded == record)
    }
}
