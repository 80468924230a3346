import Foundation

/// The stages one cell passes through, in order. Optional stages are skipped when not configured.
public enum CellStage: String, Codable, Sendable, CaseIterable {
    case build, reproducibility, smoke, archive, hash, sign
    /// Authenticode signing of a Windows executable, between build and archive.
    case authenticode
}

/// Release-wide steps, run once every cell is final (and again after a retry).
public enum ReleaseStep: String, Codable, Sendable, CaseIterable {
    case checksums, signChecksums = "sign-checksums", manifest, provenance, images
}

public enum CellStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, succeeded, failed, cancelled

    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

public enum StageResult: String, Codable, Sendable {
    case succeeded, failed, skipped, cancelled
}

public enum ReleaseOutcome: String, Codable, Sendable {
    /// Every cell and every release-wide step succeeded.
    case succeeded
    /// At least one cell or step failed.
    case failed
    /// The user cancelled cells; nothing failed.
    case cancelled
    /// SIGINT/SIGTERM stopped the release.
    case interrupted
}

/// What a front end needs to know about one planned cell.
public struct CellInfo: Codable, Sendable, Hashable {
    public var id: String
    public var target: BuildTarget
    /// Base name of the cell's artifacts: `<project>_<version>_<goos>_<arch>`.
    public var artifactBase: String
    public var cgo: Bool

    public init(id: String, target: BuildTarget, artifactBase: String, cgo: Bool = false) {
        self.id = id
        self.target = target
        self.artifactBase = artifactBase
        self.cgo = cgo
    }
}

/// The release as planned, sent first so every observer (and every journal reader) can lay it out.
public struct ReleaseInfo: Codable, Sendable, Hashable {
    public var project: String
    public var version: String
    public var commit: String?
    public var goVersion: String
    public var sourceDateEpoch: Int64
    public var distDirectory: String
    public var shipdeckVersion: String
    public var cells: [CellInfo]
    /// One line per configured signer (`minisign: checksums`), empty when signing is not configured.
    public var signers: [String]

    public init(project: String, version: String, commit: String?, goVersion: String, sourceDateEpoch: Int64,
                distDirectory: String, shipdeckVersion: String, cells: [CellInfo], signers: [String] = []) {
        self.project = project
        self.version = version
        self.commit = commit
        self.goVersion = goVersion
        self.sourceDateEpoch = sourceDateEpoch
        self.distDirectory = distDirectory
        self.shipdeckVersion = shipdeckVersion
        self.cells = cells
        self.signers = signers
    }

    public var shortCommit: String? { commit.map { String($0.prefix(7)) } }
}

/// A file the release wrote, as it appears in artifacts.json.
public struct ArtifactRecord: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case binary = "Binary", archive = "Archive", checksum = "Checksum", signature = "Signature"
        case manifest = "Metadata", provenance = "Provenance", image = "Image"
    }

    public var name: String
    /// Path relative to the dist folder.
    public var path: String
    public var kind: Kind
    public var cell: String?
    public var goos: String?
    public var goarch: String?
    public var variant: String?
    public var sha256: String
    public var size: Int64

    /// `type`, as GoReleaser's artifacts.json calls it.
    enum CodingKeys: String, CodingKey {
        case name, path, kind = "type", cell, goos, goarch, variant, sha256, size
    }

    public init(name: String, path: String, kind: Kind, cell: String? = nil, target: BuildTarget? = nil,
                sha256: String, size: Int64) {
        self.name = name
        self.path = path
        self.kind = kind
        self.cell = cell
        self.goos = target?.goos
        self.goarch = target?.goarch
        self.variant = target?.variant
        self.sha256 = sha256
        self.size = size
    }
}

/// Where one signature of one file stands.
public struct SignatureRecord: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable { case pending, signing, signed, verified, failed }
    public var file: String
    public var signer: String
    public var signature: String?
    public var state: State
    public var detail: String?

    public init(file: String, signer: String, signature: String? = nil, state: State, detail: String? = nil) {
        self.file = file
        self.signer = signer
        self.signature = signature
        self.state = state
        self.detail = detail
    }
}

/// Everything the engine reports. Observers, the journal and `watch` all see exactly these.
public enum EngineEvent: Codable, Sendable, Hashable {
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
}

/// An event with its place in the stream and the wall time it happened.
public struct EventRecord: Codable, Sendable, Hashable {
    public var seq: Int
    /// Seconds since 1970.
    public var time: Double
    public var event: EngineEvent

    public init(seq: Int, time: Double, event: EngineEvent) {
        self.seq = seq
        self.time = time
        self.event = event
    }
}
