import Foundation

/// Everything known about one cell at one moment.
public struct CellState: Sendable, Hashable {
    public var info: CellInfo
    public var status: CellStatus = .queued
    public var stage: CellStage?
    public var attempt = 0
    public var startedAt: Double?
    public var finishedAt: Double?
    public var stageSeconds: [CellStage: Double] = [:]
    /// Stages that ran and how they ended, in order, for this attempt.
    public var stageResults: [(CellStage, StageResult, String?)] {
        get { stageOrder.map { ($0, results[$0] ?? .succeeded, details[$0]) } }
    }
    var stageOrder: [CellStage] = []
    var results: [CellStage: StageResult] = [:]
    var details: [CellStage: String] = [:]
    public var error: String?
    public var artifacts: [ArtifactRecord] = []
    /// The input fingerprint of this attempt (`CellFingerprint`).
    public var fingerprint: String?
    /// True when `--resume` kept this cell's outputs from an interrupted release.
    public var reused = false
    public var log = LogTail()
    public var previousAttempts: [AttemptSummary] = []
    /// When each stage of this attempt started and ended, in order (for the timeline).
    public var spans: [StageSpan] = []

    public var id: String { info.id }
    public var target: BuildTarget { info.target }

    public func result(of stage: CellStage) -> StageResult? { results[stage] }
    public func detail(of stage: CellStage) -> String? { details[stage] }

    /// Seconds spent so far (running) or in total (final).
    public func elapsed(now: Double) -> Double? {
        guard let startedAt else { return nil }
        return (finishedAt ?? now) - startedAt
    }
}
