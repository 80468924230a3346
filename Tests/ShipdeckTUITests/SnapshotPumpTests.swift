import Foundation
import ShipdeckModel
import Testing
@testable import ShipdeckTUI

/// The dashboard's owner thread never waits for the event hub.
@Suite("Snapshot pump", .serialized)
struct SnapshotPumpTests {
    /// An observer that makes every event slow, as a log flood makes the hub busy.
    final class SlowObserver: ReleaseObserver, @unchecked Sendable {
        func release(didEmit record: EventRecord, state: ReleaseState) { usleep(100_000) }
    }

    static func waitFor(_ timeout: Double, _ body: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if body() { return true }
            usleep(5_000)
        }
        return body()
    }

    @Test("snapshots arrive after events, coalesced, and the last change is never lost")
    func delivers() {
        let hub = EventHub()
        let pump = SnapshotPump(hub: hub, interval: 0.04)
        hub.add(pump)
        hub.emit(.releaseStarted(RecordedReleases.info()))
        for i in 0..<500 { hub.emit(.log(cell: "linux/amd64", attempt: 0, lines: ["line \(i)"])) }
        hub.emit(.warning("last"))
        var latest: ReleaseState?
        #expect(Self.waitFor(5) {
            if let s = pump.take() { latest = s }
            return latest?.warnings == ["last"]
        })
        #expect(latest?.info?.project == "hello")
    }

    @Test("take() returns at once while the hub is busy delivering events")
    func neverBlocks() {
        let hub = EventHub()
        hub.add(SlowObserver())
        let pump = SnapshotPump(hub: hub, interval: 0.04)
        hub.add(pump)
        for i in 0..<10 { hub.emit(.warning("w\(i)")) }
        // The hub needs about a second for these; the owner thread must not wait for it.
        var slowest = 0.0
        var seen = 0
        let deadline = Date().addingTimeInterval(5)
        while seen < 10 && Date() < deadline {
            let start = Date()
            if let state = pump.take() { seen = state.warnings.count }
            slowest = max(slowest, Date().timeIntervalSince(start))
            usleep(2_000)
        }
        #expect(seen == 10)
        #expect(slowest < 0.02, "take() waited \(slowest)s")
    }
}
