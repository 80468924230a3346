import Foundation

/// One unit of the publish phase: an asset upload, the draft release, an image push, a tap commit.
/// Units run in plan order: verify → GitHub draft → assets → images → publish the release →
/// Homebrew/Scoop.
public struct PublishUnitInfo: Codable, Sendable, Hashable {
    /// Stable across runs (`github:asset:hello_1.0.0_linux_amd64.tar.gz`): `--resume` matches on it.
    public var id: String
    /// `verify`, `github`, `registry`, `homebrew`, `scoop`.
    public var target: String
    /// What the pane shows: the asset name, "draft release v1.0.0".
    public var title: String
    /// Bytes to send, when the unit sends a file.
    public var bytes: Int64?
    /// The local file's sha256, when it has one (what the server must end up with).
    public var sha256: String?

    public init(id: String, target: String, title: String, bytes: Int64? = nil, sha256: String? = nil) {
        self.id = id
        self.target = target
        self.title = title
        self.bytes = bytes
        self.sha256 = sha256
    }
}

public enum PublishUnitResult: String, Codable, Sendable {
    /// Sent and confirmed by the server.
    case done
    /// Nothing to send: the server already has exactly this (same size and sha256).
    case skipped
    case failed
    case cancelled
}

/// What happened to a unit; carried by `EngineEvent.publishUnit` (coded flat, see docs/events.md).
public enum PublishUnitPhase: Sendable, Hashable {
    case started
    /// Bytes of the body sent so far in this attempt.
    case progress(sent: Int64, total: Int64?)
    /// The request failed in a way worth repeating; the next try starts after `seconds`.
    case retrying(seconds: Double, reason: String)
    /// `detail`: the server's words on failure, why it was skipped, or what was made.
    case finished(result: PublishUnitResult, seconds: Double, detail: String?)
}
