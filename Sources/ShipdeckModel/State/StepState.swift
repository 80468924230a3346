import Foundation

/// The state of a release-wide step.
public struct StepState: Sendable, Hashable {
    public var result: StageResult?
    public var running = false
    public var seconds: Double?
    public var detail: String?
    public var startedAt: Double?
    public var finishedAt: Double?
    /// A cell was queued again after this step ran: what it wrote does not cover that cell yet.
    public var willRunAgain = false
}
