import Foundation

/// Everything the engine reports. Observers, the journal and `watch` all see exactly these.
public enum EngineEvent: Sendable, Hashable {
    case releaseStarted(ReleaseInfo)
    case cellQueued(cell: String, attempt: Int)
    case stageStarted(cell: String, attempt: Int, stage: CellStage)
    case stageFinished(cell: String, attempt: Int, stage: CellStage, result: StageResult, seconds: Double,
                       detail: String?)
    /// Lines of merged stdout+stderr, as read (a chunk at a time, so a flood is few events).
    case log(cell: String, attempt: Int, lines: [String])
    case artifact(ArtifactRecord)
    case cellFinished(cell: String, attempt: Int, status: CellStatus, seconds: Double, error: String?)
    case stepStarted(step: ReleaseStep)
    case stepFinished(step: ReleaseStep, result: StageResult, seconds: Double, detail: String?)
    case signature(SignatureRecord)
    case warning(String)
    case releaseFinished(outcome: ReleaseOutcome, seconds: Double)
    /// The input fingerprint of one attempt (`CellFingerprint`), sent before it builds. `reused` is true
    /// for a cell that `--resume` kept from an interrupted release instead of building it again.
    case cellFingerprint(cell: String, attempt: Int, fingerprint: String, reused: Bool)
    /// Bad input that stopped a run before anything was built (a config error, say): what is wrong
    /// and how to fix it. `release --json` prints it so a consumer of the stream learns why nothing follows.
    /// `code` is the `ShipdeckError.Code` (`config`, `toolchain`, `dist`, …), nil for other errors.
    case error(message: String, hint: String?, code: String?)
    /// A signal (SIGINT, SIGTERM, SIGHUP, SIGPIPE) is stopping the release; `releaseFinished`
    /// with outcome `interrupted` follows once every process tree has ended.
    case interrupted(signal: String)
    /// The publish phase planned these units (in the order they run).
    case publishStarted(units: [PublishUnitInfo], dryRun: Bool)
    /// One unit started, sent bytes, is retrying or finished.
    case publishUnit(unit: String, attempt: Int, phase: PublishUnitPhase)
    case publishFinished(outcome: ReleaseOutcome, seconds: Double)
}
