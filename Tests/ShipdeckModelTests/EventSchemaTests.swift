import Foundation
import Testing
@testable import ShipdeckModel

/// docs/events.md is the event schema's contract: every event type has an example there, every example
/// decodes to that type, and encoding it again gives the same JSON object.
@Suite struct EventSchemaTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/events.md")

    /// The `json` example under each `### \`type\`` heading.
    static func examples() throws -> [String: String] {
        let text = try String(contentsOf: page, encoding: .utf8)
        var examples: [String: String] = [:]
        var heading: String?
        var inJSON = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("### `"), line.hasSuffix("`") {
                heading = String(line.dropFirst(5).dropLast())
            } else if line == "```json" {
                inJSON = true
            } else if line == "```" {
                inJSON = false
            } else if inJSON, let name = heading {
                examples[name, default: ""] += line
            }
        }
        return examples
    }

    static func object(_ data: Data) throws -> NSDictionary {
        NSDictionary(dictionary: try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    @Test func everyEventTypeHasAnExampleOnTheSchemaPage() throws {
        let documented = Set(try Self.examples().keys)
        let types = Set(EngineEvent.Kind.allCases.map(\.rawValue))
        #expect(types.subtracting(documented).isEmpty, "not documented in docs/events.md")
        #expect(documented.subtracting(types).isEmpty, "documented but not an event type")
    }

    @Test(arguments: EngineEvent.Kind.allCases)
    func theExampleDecodesAndEncodesBackToTheSameObject(kind: EngineEvent.Kind) throws {
        let json = try #require(try Self.examples()[kind.rawValue])
        let record = try JSONDecoder().decode(EventRecord.self, from: Data(json.utf8))
        #expect(record.event.kind == kind)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let again = try encoder.encode(record)
        #expect(try Self.object(again).isEqual(try Self.object(Data(json.utf8))), "\(String(decoding: again, as: UTF8.self))")
        #expect(try JSONDecoder().decode(EventRecord.self, from: again) == record)
    }

    @Test func eventsAreFlatObjectsWithATypeAndNamedFields() throws {
        let record = EventRecord(seq: 4, time: 2, event: .stageStarted(cell: "linux/arm/7", attempt: 2, stage: .archive))
        let object = try Self.object(try JSONEncoder().encode(record))
        #expect(object["type"] as? String == "stageStarted")
        #expect(object["cell"] as? String == "linux/arm/7")
        #expect((object["attempt"] as? NSNumber)?.intValue == 2)
        #expect(object["stage"] as? String == "archive")
        #expect(object["event"] == nil)
        #expect(Set(object.allKeys.compactMap { $0 as? String }) == ["seq", "time", "type", "cell", "attempt", "stage"])
    }

    /// Journals of format 1 (Swift's default enum coding) still replay.
    @Test func recordsOfJournalFormatOneAreStillRead() throws {
        let lines = [
            #"{"seq":1,"time":1,"event":{"cellQueued":{"cell":"linux/amd64","attempt":1}}}"#,
            #"{"seq":2,"time":2,"event":{"warning":{"_0":"careful"}}}"#,
            #"{"seq":3,"time":3,"event":{"releaseFinished":{"outcome":"failed","seconds":4.5}}}"#,
        ]
        let events = try lines.map { try JSONDecoder().decode(EventRecord.self, from: Data($0.utf8)).event }
        #expect(events == [
            .cellQueued(cell: "linux/amd64", attempt: 1), .warning("careful"),
            .releaseFinished(outcome: .failed, seconds: 4.5),
        ])
    }

    @Test func anUnknownTypeIsADecodingErrorNotACrash() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(EventRecord.self, from: Data(#"{"seq":1,"time":1,"type":"teleported"}"#.utf8))
        }
    }
}
