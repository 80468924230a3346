import Foundation

/// The one reduction of the event stream. Live front ends and `shipdeck watch` both build it
/// with `apply`, so what they show cannot disagree.
public struct ReleaseState: Sendable {
    public private(set) var info: ReleaseInfo?
    public private(set) var cells: [CellState] = []
    public private(set) var steps: [ReleaseStep: StepState] = [:]
    /// Release-wide files (checksums, manifest, provenance), latest per name.
    public private(set) var releaseArtifacts: [ArtifactRecord] = []
    public private(set) var signatures: [SignatureRecord] = []
    public private(set) var warnings: [String] = []
    /// The publish phase (`shipdeck publish`, `release --publish`); empty until it starts.
    public private(set) var publish = PublishState()
    public private(set) var outcome: ReleaseOutcome?
    /// The signal that is stopping (or stopped) the release, from the `interrupted` event.
    public private(set) var interruptedBy: String?
    public private(set) var startedAt: Double?
    public private(set) var finishedAt: Double?
    public private(set) var lastSequence = -1
    public private(set) var eventCount = 0
    /// Every run of a release-wide step, in order (a retry runs them again), for the timeline.
    public private(set) var stepRuns: [StepRun] = []
    /// Work time before the current stretch: a finished release's clock stops and a retry
    /// resumes it, so idle time between the two is not counted.
    private var activeBefore = 0.0
    private var activeSince: Double?
    private var index: [String: Int] = [:]

    public init() {}

    public func cell(_ id: String) -> CellState? { index[id].map { cells[$0] } }

    public func count(_ status: CellStatus) -> Int { cells.reduce(0) { $0 + ($1.status == status ? 1 : 0) } }

    public var allCellsFinal: Bool { !cells.isEmpty && cells.allSatisfy { $0.status.isFinal } }

    /// Every artifact: per-cell ones in plan order, then release-wide ones.
    public var artifacts: [ArtifactRecord] { cells.flatMap(\.artifacts) + releaseArtifacts }

    public var isFinished: Bool { outcome != nil }

    /// Seconds the release has been working: from its start to its end, plus from each retry
    /// to the end that followed it.
    public func activeSeconds(now: Double) -> Double {
        activeBefore + (activeSince.map { max(0, now - $0) } ?? 0)
    }

    public mutating func apply(_ record: EventRecord) {
        lastSequence = record.seq
        eventCount += 1
        let now = record.time
        switch record.event {
        case .releaseStarted(let info):
            self = ReleaseState()
            lastSequence = record.seq
            eventCount = 1
            self.info = info
            startedAt = now
            activeSince = now
            cells = info.cells.map { CellState(info: $0) }
            for (i, cell) in cells.enumerated() { index[cell.id] = i }

        case .cellQueued(let id, let attempt):
            update(id) { cell in
                if cell.attempt > 0, cell.attempt != attempt {
                    cell.previousAttempts.append(AttemptSummary(
                        attempt: cell.attempt, status: cell.status, error: cell.error,
                        seconds: cell.elapsed(now: now) ?? 0, log: cell.log, spans: cell.spans))
                }
                cell.attempt = attempt
                cell.status = .queued
                cell.stage = nil
                cell.startedAt = nil
                cell.finishedAt = nil
                cell.error = nil
                cell.artifacts = []
                cell.fingerprint = nil
                cell.reused = false
                cell.log = LogTail(capacity: cell.log.capacity)
                cell.stageSeconds = [:]
                cell.stageOrder = []
                cell.results = [:]
                cell.details = [:]
                cell.spans = []
            }
            outcome = nil
            finishedAt = nil
            if activeSince == nil { activeSince = now }
            for step in steps.keys where steps[step]?.running == false { steps[step]?.willRunAgain = true }

        case .stageStarted(let id, let attempt, let stage):
            update(id, attempt: attempt) { cell in
                if cell.startedAt == nil { cell.startedAt = now }
                cell.status = .running
                cell.stage = stage
                cell.spans.append(StageSpan(stage: stage, start: now))
                if !cell.stageOrder.contains(stage) { cell.stageOrder.append(stage) }
            }

        case .stageFinished(let id, let attempt, let stage, let result, let seconds, let detail):
            update(id, attempt: attempt) { cell in
                cell.stageSeconds[stage] = seconds
                if let i = cell.spans.lastIndex(where: { $0.stage == stage && $0.end == nil }) {
                    cell.spans[i].end = now
                    cell.spans[i].result = result
                }
                if !cell.stageOrder.contains(stage) { cell.stageOrder.append(stage) }
                cell.results[stage] = result
                if let detail { cell.details[stage] = detail }
            }

        case .log(let id, let attempt, let lines):
            update(id, attempt: attempt) { $0.log.append(contentsOf: lines) }

        case .artifact(let artifact):
            if let id = artifact.cell {
                update(id) { cell in
                    cell.artifacts.removeAll { $0.name == artifact.name }
                    cell.artifacts.append(artifact)
                }
            } else {
                releaseArtifacts.removeAll { $0.name == artifact.name }
                releaseArtifacts.append(artifact)
            }

        case .cellFinished(let id, let attempt, let status, _, let error):
            update(id, attempt: attempt) { cell in
                cell.status = status
                cell.stage = nil
                cell.finishedAt = now
                if cell.startedAt == nil { cell.startedAt = now }
                cell.error = error
                for i in cell.spans.indices where cell.spans[i].end == nil {
                    cell.spans[i].end = now
                    cell.spans[i].result = status == .cancelled ? .cancelled : .failed
                }
            }

        case .stepStarted(let step):
            steps[step, default: StepState()].running = true
            steps[step]?.result = nil
            steps[step]?.startedAt = now
            steps[step]?.finishedAt = nil
            steps[step]?.willRunAgain = false
            stepRuns.append(StepRun(step: step, start: now))

        case .stepFinished(let step, let result, let seconds, let detail):
            steps[step] = StepState(result: result, running: false, seconds: seconds, detail: detail,
                                    startedAt: steps[step]?.startedAt ?? now - seconds, finishedAt: now)
            if let i = stepRuns.lastIndex(where: { $0.step == step && $0.end == nil }) {
                stepRuns[i].end = now
                stepRuns[i].result = result
            } else {
                stepRuns.append(StepRun(step: step, start: now - seconds, end: now, result: result))
            }

        case .signature(let record):
            if let i = signatures.firstIndex(where: { $0.file == record.file && $0.signer == record.signer }) {
                signatures[i] = record
            } else {
                signatures.append(record)
            }

        case .warning(let text):
            warnings.append(text)

        case .error(let message, _, _):
            warnings.append("error: \(message)")

        case .interrupted(let signal):
            interruptedBy = signal

        case .releaseFinished(let outcome, _):
            self.outcome = outcome
            finishedAt = now
            if let since = activeSince { activeBefore += max(0, now - since) }
            activeSince = nil

        case .cellFingerprint(let id, let attempt, let fingerprint, let reused):
            update(id, attempt: attempt) { cell in
                cell.fingerprint = fingerprint
                cell.reused = reused
            }

        case .publishStarted, .publishUnit, .publishFinished:
            publish.apply(record.event, now: now)
        }
    }

    private mutating func update(_ id: String, attempt: Int? = nil, _ change: (inout CellState) -> Void) {
        guard let i = index[id] else { return }
        // Events of an attempt that has been superseded (a late line after a retry) are dropped.
        if let attempt, attempt != cells[i].attempt { return }
        change(&cells[i])
    }
}
