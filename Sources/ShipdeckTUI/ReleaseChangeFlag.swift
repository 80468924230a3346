import Foundation
import ShipdeckEngine

/// The dashboard's observer: it only notes that the release changed. The owner thread pulls a
/// snapshot at most once per frame, so a flood of events costs one redraw per frame, not one per
/// event, and nothing here ever waits for the terminal.
final class ReleaseChangeFlag: ReleaseObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var changed = true

    func release(didEmit record: EventRecord, state: ReleaseState) {
        lock.lock()
        changed = true
        lock.unlock()
    }

    /// True once per batch of changes.
    func take() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let was = changed
        changed = false
        return was
    }
}
