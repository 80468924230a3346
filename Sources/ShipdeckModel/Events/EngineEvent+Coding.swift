import Foundation

/// The JSON form of an event (event schema 2, documented in docs/events.md): one object with a `type`
/// naming the event and one named field per value, e.g.
///
///     {"type":"stageFinished","cell":"linux/amd64","attempt":1,"stage":"build","result":"succeeded",
///      "seconds":1.52,"detail":null}
///
/// An `EventRecord` puts its `seq` and `time` beside these fields in the same object. Adding an event
/// means one arm in `encode(to:)`, one in `init(from:)`, one name in `Kind` and a line in docs/events.md.
extension EngineEvent: Codable {
    /// Every event's `type`, as written.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case releaseStarted, cellQueued, stageStarted, stageFinished, log, artifact, cellFinished
        case stepStarted, stepFinished, signature, warning, releaseFinished, cellFingerprint, error
        case interrupted
        case publishStarted, publishUnit, publishFinished
    }

    enum Field: String, CodingKey {
        case type, release, cell, attempt, stage, result, seconds, detail, lines, artifact, status, error
        case step, signature, message, outcome, fingerprint, reused, hint
        case signal, code
        case units, dryRun, unit, phase, sent, total, reason
    }

    /// The `type` of this event.
    public var kind: Kind {
        switch self {
        case .releaseStarted: .releaseStarted
        case .cellQueued: .cellQueued
        case .stageStarted: .stageStarted
        case .stageFinished: .stageFinished
        case .log: .log
        case .artifact: .artifact
        case .cellFinished: .cellFinished
        case .stepStarted: .stepStarted
        case .stepFinished: .stepFinished
        case .signature: .signature
        case .warning: .warning
        case .releaseFinished: .releaseFinished
        case .cellFingerprint: .cellFingerprint
        case .error: .error
        case .interrupted: .interrupted
        case .publishStarted: .publishStarted
        case .publishUnit: .publishUnit
        case .publishFinished: .publishFinished
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Field.self)
        try c.encode(kind, forKey: .type)
        switch self {
        case .releaseStarted(let info):
            try c.encode(info, forKey: .release)
        case .cellQueued(let cell, let attempt):
            try c.encode(cell, forKey: .cell)
            try c.encode(attempt, forKey: .attempt)
        case .stageStarted(let cell, let attempt, let stage):
            try c.encode(cell, forKey: .cell)
            try c.encode(attempt, forKey: .attempt)
            try c.encode(stage, forKey: .stage)
        case .stageFinished(let cell, let attempt, let stage, let result, let seconds, let detail):
            try c.encode(cell, forKey: .cell)
            try c.encode(attempt, forKey: .attempt)
            try c.encode(stage, forKey: .stage)
            try c.encode(result, forKey: .result)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(detail, forKey: .detail)
        case .log(let cell, let attempt, let lines):
            try c.encode(cell, forKey: .cell)
            try c.encode(attempt, forKey: .attempt)
            try c.encode(lines, forKey: .lines)
        case .artifact(let record):
            try c.encode(record, forKey: .artifact)
        case .cellFinished(let cell, let attempt, let status, let seconds, let error):
            try c.encode(cell, forKey: .cell)
            try c.encode(attempt, forKey: .attempt)
            try c.encode(status, forKey: .status)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(error, forKey: .error)
        case .stepStarted(let step):
            try c.encode(step, forKey: .step)
        case .stepFinished(let step, let result, let seconds, let detail):
            try c.encode(step, forKey: .step)
            try c.encode(result, forKey: .result)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(detail, forKey: .detail)
        case .signature(let record):
            try c.encode(record, forKey: .signature)
        case .warning(let message):
            try c.encode(message, forKey: .message)
        case .releaseFinished(let outcome, let seconds):
            try c.encode(outcome, forKey: .outcome)
            try c.encode(seconds, forKey: .seconds)
        case .cellFingerprint(let cell, let attempt, let fingerprint, let reused):
            try c.encode(cell, forKey: .cell)
            try c.encode(attempt, forKey: .attempt)
            try c.encode(fingerprint, forKey: .fingerprint)
            try c.encode(reused, forKey: .reused)
        case .error(let message, let hint, let code):
            try c.encode(message, forKey: .message)
            try c.encode(hint, forKey: .hint)
            try c.encode(code, forKey: .code)
        case .interrupted(let signal):
            try c.encode(signal, forKey: .signal)
        case .publishStarted(let units, let dryRun):
            try c.encode(units, forKey: .units)
            try c.encode(dryRun, forKey: .dryRun)
        case .publishUnit(let unit, let attempt, let phase):
            try c.encode(unit, forKey: .unit)
            try c.encode(attempt, forKey: .attempt)
            switch phase {
            case .started:
                try c.encode("started", forKey: .phase)
            case .progress(let sent, let total):
                try c.encode("progress", forKey: .phase)
                try c.encode(sent, forKey: .sent)
                try c.encode(total, forKey: .total)
            case .retrying(let seconds, let reason):
                try c.encode("retrying", forKey: .phase)
                try c.encode(seconds, forKey: .seconds)
                try c.encode(reason, forKey: .reason)
            case .finished(let result, let seconds, let detail):
                try c.encode("finished", forKey: .phase)
                try c.encode(result, forKey: .result)
                try c.encode(seconds, forKey: .seconds)
                try c.encode(detail, forKey: .detail)
            }
        case .publishFinished(let outcome, let seconds):
            try c.encode(outcome, forKey: .outcome)
            try c.encode(seconds, forKey: .seconds)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Field.self)
        guard c.contains(.type) else {
            // Event schema 1 (journal format 1): Swift's default enum coding, `{"cellQueued":{…}}`.
            self = try LegacyEngineEvent(from: decoder).event
            return
        }
        switch try c.decode(Kind.self, forKey: .type) {
        case .releaseStarted:
            self = .releaseStarted(try c.decode(ReleaseInfo.self, forKey: .release))
        case .cellQueued:
            self = .cellQueued(cell: try c.decode(String.self, forKey: .cell), attempt: try c.decode(Int.self, forKey: .attempt))
        case .stageStarted:
            self = .stageStarted(
                cell: try c.decode(String.self, forKey: .cell), attempt: try c.decode(Int.self, forKey: .attempt),
                stage: try c.decode(CellStage.self, forKey: .stage))
        case .stageFinished:
            self = .stageFinished(
                cell: try c.decode(String.self, forKey: .cell), attempt: try c.decode(Int.self, forKey: .attempt),
                stage: try c.decode(CellStage.self, forKey: .stage), result: try c.decode(StageResult.self, forKey: .result),
                seconds: try c.decode(Double.self, forKey: .seconds), detail: try c.decodeIfPresent(String.self, forKey: .detail))
        case .log:
            self = .log(
                cell: try c.decode(String.self, forKey: .cell), attempt: try c.decode(Int.self, forKey: .attempt),
                lines: try c.decode([String].self, forKey: .lines))
        case .artifact:
            self = .artifact(try c.decode(ArtifactRecord.self, forKey: .artifact))
        case .cellFinished:
            self = .cellFinished(
                cell: try c.decode(String.self, forKey: .cell), attempt: try c.decode(Int.self, forKey: .attempt),
                status: try c.decode(CellStatus.self, forKey: .status), seconds: try c.decode(Double.self, forKey: .seconds),
                error: try c.decodeIfPresent(String.self, forKey: .error))
        case .stepStarted:
            self = .stepStarted(step: try c.decode(ReleaseStep.self, forKey: .step))
        case .stepFinished:
            self = .stepFinished(
                step: try c.decode(ReleaseStep.self, forKey: .step), result: try c.decode(StageResult.self, forKey: .result),
                seconds: try c.decode(Double.self, forKey: .seconds), detail: try c.decodeIfPresent(String.self, forKey: .detail))
        case .signature:
            self = .signature(try c.decode(SignatureRecord.self, forKey: .signature))
        case .warning:
            self = .warning(try c.decode(String.self, forKey: .message))
        case .releaseFinished:
            self = .releaseFinished(
                outcome: try c.decode(ReleaseOutcome.self, forKey: .outcome), seconds: try c.decode(Double.self, forKey: .seconds))
        case .cellFingerprint:
            self = .cellFingerprint(
                cell: try c.decode(String.self, forKey: .cell), attempt: try c.decode(Int.self, forKey: .attempt),
                fingerprint: try c.decode(String.self, forKey: .fingerprint), reused: try c.decode(Bool.self, forKey: .reused))
        case .error:
            self = .error(
                message: try c.decode(String.self, forKey: .message), hint: try c.decodeIfPresent(String.self, forKey: .hint),
                code: try c.decodeIfPresent(String.self, forKey: .code))
        case .interrupted:
            self = .interrupted(signal: try c.decode(String.self, forKey: .signal))
        case .publishStarted:
            self = .publishStarted(
                units: try c.decode([PublishUnitInfo].self, forKey: .units), dryRun: try c.decode(Bool.self, forKey: .dryRun))
        case .publishUnit:
            let phase: PublishUnitPhase
            switch try c.decode(String.self, forKey: .phase) {
            case "started":
                phase = .started
            case "progress":
                phase = .progress(
                    sent: try c.decode(Int64.self, forKey: .sent), total: try c.decodeIfPresent(Int64.self, forKey: .total))
            case "retrying":
                phase = .retrying(
                    seconds: try c.decode(Double.self, forKey: .seconds), reason: try c.decode(String.self, forKey: .reason))
            case "finished":
                phase = .finished(
                    result: try c.decode(PublishUnitResult.self, forKey: .result),
                    seconds: try c.decode(Double.self, forKey: .seconds),
                    detail: try c.decodeIfPresent(String.self, forKey: .detail))
            case let other:
                throw DecodingError.dataCorruptedError(
                    forKey: .phase, in: c, debugDescription: "unknown publish unit phase \(other)")
            }
            self = .publishUnit(
                unit: try c.decode(String.self, forKey: .unit), attempt: try c.decode(Int.self, forKey: .attempt),
                phase: phase)
        case .publishFinished:
            self = .publishFinished(
                outcome: try c.decode(ReleaseOutcome.self, forKey: .outcome), seconds: try c.decode(Double.self, forKey: .seconds))
        }
    }
}
