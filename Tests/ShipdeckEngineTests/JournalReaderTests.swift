import Foundation
import Testing

@testable import ShipdeckEngine

/// The tolerant journal reader: what it returns and what it reports for damaged journals.
@Suite struct JournalReaderTests {
    static let info = ReleaseInfo(
        project: "p", version: "1.0.0", commit: nil, goVersion: "go1.27.3", sourceDateEpoch: 0,
        distDirectory: "/tmp/dist", shipdeckVersion: Shipdeck.version,
        cells: [
            CellInfo(
                id: "linux/amd64", target: BuildTarget(goos: "linux", goarch: "amd64"),
                artifactBase: "p_1.0.0_linux_amd64")
        ])

    func line<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self) + "\n"
    }

    func record(_ seq: Int, _ event: EngineEvent) throws -> String {
        try line(EventRecord(seq: seq, time: Double(seq), event: event))
    }

    func journal(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func readsHeaderAndRecordsOfAGoodJournal() throws {
        let url = try journal(
            try line(JournalHeader(plan: Self.info)) + record(0, .releaseStarted(Self.info))
                + record(1, .cellQueued(cell: "linux/amd64", attempt: 1)))
        let contents = try JournalReader.read(url)
        #expect(contents.header?.plan == Self.info)
        #expect(contents.header?.format == JournalHeader.currentFormat)
        #expect(contents.records.map(\.seq) == [0, 1])
        #expect(contents.problems.isEmpty)
    }

    @Test func garbageLineIsReportedWithItsNumberAndSkipped() throws {
        let url = try journal(
            try line(JournalHeader(plan: Self.info)) + record(0, .releaseStarted(Self.info))
                + "{\"seq\": 1, \"ti\n" + record(2, .warning("w")))
        let contents = try JournalReader.read(url)
        #expect(contents.records.map(\.seq) == [0, 2])
        #expect(contents.problems == [.garbage(line: 3, excerpt: "'{\"seq\": 1, \"ti'")])
    }

    @Test func jsonThatIsNoKnownEventIsReportedAsUnknown() throws {
        let url = try journal(
            try line(JournalHeader(plan: Self.info)) + "{\"seq\":1,\"time\":1,\"event\":{\"teleported\":{}}}\n")
        let contents = try JournalReader.read(url)
        #expect(contents.records.isEmpty)
        guard case .unknownRecord(let number, _)? = contents.problems.first else {
            Issue.record("expected an unknown record, got \(contents.problems)")
            return
        }
        #expect(number == 2)
    }

    @Test func tornLastLineIsTruncatedButEverythingBeforeItIsRead() throws {
        let full = try record(1, .cellQueued(cell: "linux/amd64", attempt: 1))
        let url = try journal(
            try line(JournalHeader(plan: Self.info)) + record(0, .releaseStarted(Self.info)) + full.prefix(20))
        let contents = try JournalReader.read(url)
        #expect(contents.records.count == 1)
        #expect(contents.problems == [.truncatedLine(line: 3, bytes: 20)])
        #expect(contents.problems[0].description.contains("line 3 is truncated"))
    }

    @Test func futureFormatIsNamedAndReadAsFarAsPossible() throws {
        let header = try line(JournalHeader(plan: Self.info)).replacingOccurrences(
            of: "\"format\":2", with: "\"format\":7")
        let url = try journal(header + record(0, .releaseStarted(Self.info)))
        let contents = try JournalReader.read(url)
        #expect(contents.problems == [.futureFormat(found: 7, supported: JournalHeader.currentFormat, writer: Shipdeck.version)])
        #expect(contents.problems[0].description.contains("journal format 7"))
        #expect(contents.records.count == 1)
    }

    @Test func fileWithoutHeaderIsReportedButItsEventsRead() throws {
        let url = try journal(try record(0, .releaseStarted(Self.info)))
        let contents = try JournalReader.read(url)
        #expect(contents.header == nil)
        #expect(contents.records.count == 1)
        guard case .missingHeader? = contents.problems.first else {
            Issue.record("expected missingHeader, got \(contents.problems)")
            return
        }
    }

    @Test func partialLineWaitsForItsEndWhileFollowing() throws {
        let url = try journal(try line(JournalHeader(plan: Self.info)))
        let reader = try JournalReader(url: url)
        #expect(reader.readAvailable().records.isEmpty)
        let full = try record(0, .releaseStarted(Self.info))
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        handle.write(Data(full.prefix(15).utf8))
        #expect(reader.readAvailable().records.isEmpty)
        #expect(reader.hasPartialLine)
        handle.write(Data(full.dropFirst(15).utf8))
        try handle.close()
        let next = reader.readAvailable()
        #expect(next.records.count == 1)
        #expect(next.problems.isEmpty)
        #expect(!reader.hasPartialLine)
        #expect(reader.finish().isEmpty)
    }

    @Test func replacedJournalIsNoticed() throws {
        let url = try journal(try line(JournalHeader(plan: Self.info)))
        let reader = try JournalReader(url: url)
        #expect(!reader.wasReplaced)
        let other = try journal("x\n")
        #expect(rename(other.path, url.path) == 0)
        #expect(reader.wasReplaced)
    }

    @Test func writerOfThisProcessIsNotGoneButADeadOneIs() throws {
        var header = JournalHeader(plan: Self.info)
        let live = try JournalReader(url: try journal(try line(header)))
        _ = live.readAvailable()
        #expect(!live.writerIsGone)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        header.pid = process.processIdentifier
        let dead = try JournalReader(url: try journal(try line(header)))
        _ = dead.readAvailable()
        #expect(dead.writerIsGone)
    }

    @Test func missingFileIsAJournalErrorWithAHint() throws {
        #expect(throws: ShipdeckError.self) {
            try JournalReader(url: URL(fileURLWithPath: "/nonexistent/journal.jsonl"))
        }
    }
}
