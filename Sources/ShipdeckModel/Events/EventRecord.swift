import Foundation

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
