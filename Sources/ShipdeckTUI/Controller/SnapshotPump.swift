import Foundation
import ShipdeckModel

/// Brings release snapshots to the dashboard's owner thread without ever blocking it.
///
/// The dashboard's observer only notes that something changed. A background queue then pulls
/// `hub.snapshot()` (which waits its turn behind the hub's queued events: during a log flood that
/// can take a while) at most once per frame interval, and leaves the result here. The owner
/// thread takes the newest snapshot when it draws, so keys are handled at once whatever the
/// engine is doing, and a flood of events costs one snapshot per frame, not one per event.
// `@unchecked`: `lock` guards `latest`, `fetching`, `changedWhileFetching` and `lastFetch`;
// `hub`, `interval` and `queue` are immutable.
final class SnapshotPump: ReleaseObserver, @unchecked Sendable {
    private let hub: EventHub
    private let interval: Double
    private let queue = DispatchQueue(label: "shipdeck.dashboard.snapshots", qos: .userInitiated)
    private let lock = NSLock()
    private var latest: ReleaseState?
    private var fetching = false
    private var changedWhileFetching = false
    private var lastFetch = 0.0

    init(hub: EventHub, interval: Double) {
        self.hub = hub
        self.interval = interval
    }

    /// Called on the hub's queue for every event: schedule a pull unless one is already coming.
    func release(didEmit record: EventRecord, state: ReleaseState) {
        requestSnapshot()
    }

    func requestSnapshot() {
        let delay: Double? = lock.withLock {
            if fetching {
                changedWhileFetching = true
                return nil
            }
            fetching = true
            changedWhileFetching = false
            return max(0, lastFetch + interval - Date().timeIntervalSince1970)
        }
        guard let delay else { return }
        queue.asyncAfter(deadline: .now() + delay) { [self] in
            let state = hub.snapshot()
            let again: Bool = lock.withLock {
                latest = state
                lastFetch = Date().timeIntervalSince1970
                fetching = false
                return changedWhileFetching
            }
            if again { requestSnapshot() }
        }
    }

    /// The newest snapshot not yet taken, if any.
    func take() -> ReleaseState? {
        lock.withLock {
            defer { latest = nil }
            return latest
        }
    }
}
