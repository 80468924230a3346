import Foundation

/// Where the publish phase stands: what the Publish pane and the headless lines show.
public struct PublishState: Sendable, Hashable {
    public struct Unit: Sendable, Hashable {
        public var info: PublishUnitInfo
        /// nil: queued.
        public var result: PublishUnitResult?
        public var running = false
        public var attempt = 0
        public var sent: Int64 = 0
        public var startedAt: Double?
        public var finishedAt: Double?
        public var retries = 0
        /// The last retry reason or the final detail (server's words on failure).
        public var detail: String?

        /// Bytes per second of the current or last attempt.
        public func rate(now: Double) -> Double? {
            guard let startedAt, sent > 0 else { return nil }
            let elapsed = (finishedAt ?? now) - startedAt
            return elapsed > 0 ? Double(sent) / elapsed : nil
        }
    }

    public var units: [Unit] = []
    public var started = false
    public var dryRun = false
    public var outcome: ReleaseOutcome?
    public var seconds: Double?

    public init() {}

    public func unit(_ id: String) -> Unit? { units.first { $0.info.id == id } }

    public var failed: [Unit] { units.filter { $0.result == .failed } }

    mutating func apply(_ event: EngineEvent, now: Double) {
        switch event {
        case .publishStarted(let infos, let dryRun):
            started = true
            self.dryRun = dryRun
            outcome = nil
            for info in infos where !units.contains(where: { $0.info.id == info.id }) {
                units.append(Unit(info: info))
            }
        case .publishUnit(let id, let attempt, let phase):
            guard let i = units.firstIndex(where: { $0.info.id == id }) else { return }
            switch phase {
            case .started:
                units[i].attempt = attempt
                units[i].running = true
                units[i].result = nil
                units[i].sent = 0
                units[i].startedAt = now
                units[i].finishedAt = nil
                units[i].detail = nil
            case .progress(let sent, _):
                units[i].sent = sent
            case .retrying(_, let reason):
                units[i].retries += 1
                units[i].sent = 0
                units[i].detail = reason
            case .finished(let result, _, let detail):
                units[i].attempt = attempt
                units[i].running = false
                units[i].result = result
                units[i].finishedAt = now
                units[i].detail = detail
            }
        case .publishFinished(let outcome, let seconds):
            self.outcome = outcome
            self.seconds = seconds
        default:
            break
        }
    }
}
