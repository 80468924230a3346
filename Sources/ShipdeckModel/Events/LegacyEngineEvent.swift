import Foundation

/// Event schema 1, as journal format 1 wrote it (Swift's default enum coding:
/// `{"stageStarted":{"cell":…}}`, `{"releaseStarted":{"_0":{…}}}`). Read only, so journals written by
/// earlier Shipdeck versions still replay; never extended: new events exist only in schema 2.
enum LegacyEngineEvent: Decodable {
    case releaseStarted(ReleaseInfo)
    case cellQueued(cell: String, attempt: Int)
    case stageStarted(cell: String, attempt: Int, stage: CellStage)
    case stageFinished(cell: String, attempt: Int, stage: CellStage, result: StageResult, seconds: Double, detail: String?)
    case log(cell: String, attempt: Int, lines: [String])
    case artifact(ArtifactRecord)
    case cellFinished(cell: String, attempt: Int, status: CellStatus, seconds: Double, error: String?)
    case stepStarted(step: ReleaseStep)
    case stepFinished(step: ReleaseStep, result: StageResult, seconds: Double, detail: String?)
    case signature(SignatureRecord)
    case warning(String)
    case releaseFinished(outcome: ReleaseOutcome, seconds: Double)
    case cellFingerprint(cell: String, attempt: Int, fingerprint: String, reused: Bool)

    var event: EngineEvent {
        switch self {
        case .releaseStarted(let info): .releaseStarted(info)
        case .cellQueued(let cell, let attempt): .cellQueued(cell: cell, attempt: attempt)
        case .stageStarted(let cell, let attempt, let stage): .stageStarted(cell: cell, attempt: attempt, stage: stage)
        case .stageFinished(let cell, let attempt, let stage, let result, let seconds, let detail):
            .stageFinished(cell: cell, attempt: attempt, stage: stage, result: result, seconds: seconds, detail: detail)
        case .log(let cell, let attempt, let lines): .log(cell: cell, attempt: attempt, lines: lines)
        case .artifact(let record): .artifact(record)
        case .cellFinished(let cell, let attempt, let status, let seconds, let error):
            .cellFinished(cell: cell, attempt: attempt, status: status, seconds: seconds, error: error)
        case .stepStarted(let step): .stepStarted(step: step)
        case .stepFinished(let step, let result, let seconds, let detail):
            .stepFinished(step: step, result: result, seconds: seconds, detail: detail)
        case .signature(let record): .signature(record)
        case .warning(let message): .warning(message)
        case .releaseFinished(let outcome, let seconds): .releaseFinished(outcome: outcome, seconds: seconds)
        case .cellFingerprint(let cell, let attempt, let fingerprint, let reused):
            .cellFingerprint(cell: cell, attempt: attempt, fingerprint: fingerprint, reused: reused)
        }
    }
}
