/// When one stage of one attempt of a cell ran; `end` is nil while it runs.
public struct StageSpan: Sendable, Hashable {
    public var stage: CellStage
    public var start: Double
    public var end: Double?
    public var result: StageResult?

    public init(stage: CellStage, start: Double, end: Double? = nil, result: StageResult? = nil) {
        self.stage = stage
        self.start = start
        self.end = end
        self.result = result
    }
}

/// One run of a release-wide step (they run again after a retry); `end` is nil while it runs.
public struct StepRun: Sendable, Hashable {
    public var step: ReleaseStep
    public var start: Double
    public var end: Double?
    public var result: StageResult?

    public init(step: ReleaseStep, start: Double, end: Double? = nil, result: StageResult? = nil) {
        self.step = step
        self.start = start
        self.end = end
        self.result = result
    }
}

extension CellStage {
    /// True for the stages that hold one of the `--parallelism` build slots (the engine frees
    /// the slot when they are over; archiving, hashing and signing overlap with the next builds).
    public var holdsBuildSlot: Bool { self == .build || self == .reproducibility }
}

extension ReleaseState {
    /// Running cells holding a build slot (also those about to start their build).
    public var buildingCount: Int {
        cells.reduce(0) { $0 + ($1.status == .running && ($1.stage?.holdsBuildSlot ?? true) ? 1 : 0) }
    }

    /// Running cells past their builds (archive, hash, sign …).
    public var postBuildCount: Int { count(.running) - buildingCount }
}
