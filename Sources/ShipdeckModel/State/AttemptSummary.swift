import Foundation

/// One earlier attempt of a cell, kept so a retried cell's history stays reachable.
public struct AttemptSummary: Sendable, Hashable {
    public var attempt: Int
    public var status: CellStatus
    public var error: String?
    public var seconds: Double
    public var log: LogTail
    /// When each stage of that attempt ran (for the timeline).
    public var spans: [StageSpan] = []
}
