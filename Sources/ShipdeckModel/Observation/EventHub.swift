import Foundation

/// Receives every event, in order, on the engine's event queue, with the state after it.
/// Front ends (dashboard, headless printer) and the journal writer are observers; the engine
/// knows nothing else about them. Keep the work here short: copy what you need and return.
public protocol ReleaseObserver: AnyObject, Sendable {
    func release(didEmit record: EventRecord, state: ReleaseState)
}

/// Orders events, reduces them into one `ReleaseState` and hands both to the observers.
// `@unchecked`: `queue` (serial) guards `state`, `observers` and `sequence`; the condition
// `finished` guards `finishCount`; `clock` and `logSlots` are immutable and thread-safe.
public final class EventHub: @unchecked Sendable {
    private let queue = DispatchQueue(label: "shipdeck.events")
    private var state = ReleaseState()
    private var observers: [ReleaseObserver] = []
    private var sequence = 0
    private let finished = NSCondition()
    private var finishCount = 0
    private let clock: @Sendable () -> Double

    public init(clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.clock = clock
    }

    public func add(_ observer: ReleaseObserver) { queue.sync { observers.append(observer) } }

    /// Log events in flight (emitted, not yet delivered). A cell that floods its log waits for a
    /// slot, so it stops reading its pipe and its child slows down, instead of queued lines
    /// piling up in memory; other events never wait.
    private let logSlots = DispatchSemaphore(value: EventHub.logEventsInFlight)
    static let logEventsInFlight = 32

    /// Queues an event; returns at once, except that a log event waits while too many are queued.
    /// Never call it with a log event from an observer (the event queue).
    public func emit(_ event: EngineEvent) {
        let time = clock()
        if case .log = event {
            logSlots.wait()
            queue.async {
                self.deliver(event, time: time)
                self.logSlots.signal()
            }
        } else {
            queue.async { self.deliver(event, time: time) }
        }
    }

    /// Delivers a recorded event as it was (its sequence number and time kept): how `watch`
    /// feeds a journal through the same reducer and observers as a live release.
    public func replay(_ record: EventRecord) {
        queue.async {
            self.sequence = record.seq + 1
            self.deliver(record)
        }
    }

    /// Waits until every event emitted so far has reached every observer.
    public func flush() { queue.sync {} }

    /// The state as of the last delivered event.
    public func snapshot() -> ReleaseState { queue.sync { state } }

    /// Blocks until a `releaseFinished` beyond the `after`-th has been delivered; returns the count.
    public func waitForFinish(after count: Int) -> Int {
        finished.lock()
        defer { finished.unlock() }
        while finishCount <= count { finished.wait() }
        return finishCount
    }

    private func deliver(_ event: EngineEvent, time: Double) {
        let record = EventRecord(seq: sequence, time: time, event: event)
        sequence += 1
        deliver(record)
    }

    private func deliver(_ record: EventRecord) {
        let event = record.event
        state.apply(record)
        for observer in observers { observer.release(didEmit: record, state: state) }
        if case .releaseFinished = event {
            finished.lock()
            finishCount += 1
            finished.broadcast()
            finished.unlock()
        }
    }
}
