import Foundation

/// An event with its place in the stream and the wall time it happened.
///
/// Its JSON (event schema 2, docs/events.md) is one flat object: `seq`, `time` and the event's own
/// `type` and fields, e.g. `{"seq":3,"time":1732521600.6,"type":"cellQueued","cell":"linux/amd64","attempt":1}`.
/// Records of journal format 1 (`{"seq":…,"time":…,"event":{"cellQueued":{…}}}`) are still read.
public struct EventRecord: Codable, Sendable, Hashable {
    /// The event schema this Shipdeck writes (the `schema` of docs/events.md).
    public static let schemaVersion = 2

    public var seq: Int
    /// Seconds since 1970.
    public var time: Double
    public var event: EngineEvent

    public init(seq: Int, time: Double, event: EngineEvent) {
        self.seq = seq
        self.time = time
        self.event = event
    }

    enum CodingKeys: String, CodingKey { case seq, time, event }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(time, forKey: .time)
        // The event's fields go into the same object.
        try event.encode(to: encoder)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seq = try c.decode(Int.self, forKey: .seq)
        time = try c.decode(Double.self, forKey: .time)
        if c.contains(.event) {
            event = try c.decode(EngineEvent.self, forKey: .event)  // journal format 1
        } else {
            event = try EngineEvent(from: decoder)
        }
    }
}
