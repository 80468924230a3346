import Foundation
import Testing

@testable import ShipdeckEngine

/// The journal writer: header first, every event in order, on disk at boundaries and at the end.
@Suite(.serialized) struct JournalWriterTests {
    func dist() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("journal-writer-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writesHeaderThenEveryEventInOrderAndReplaysToTheSameState() throws {
        let dir = dist()
        let hub = EventHub()
        let writer = JournalWriter(dist: dir)
        hub.add(writer)
        let info = JournalReaderTests.info
        hub.emit(.releaseStarted(info))
        hub.emit(.cellQueued(cell: "linux/amd64", attempt: 1))
        hub.emit(.cellFingerprint(cell: "linux/amd64", attempt: 1, fingerprint: "abc", reused: false))
        for i in 0..<500 { hub.emit(.log(cell: "linux/amd64", attempt: 1, lines: ["line \(i)"])) }
        hub.emit(.cellFinished(cell: "linux/amd64", attempt: 1, status: .succeeded, seconds: 1, error: nil))
        hub.emit(.releaseFinished(outcome: .succeeded, seconds: 1))
        hub.flush()
        // releaseFinished is written synchronously: no close() needed to read it all.
        let contents = try JournalReader.read(writer.url)
        #expect(contents.problems.isEmpty)
        #expect(contents.header?.plan == info)
        #expect(contents.header?.pid == getpid())
        #expect(contents.records.map(\.seq) == Array(0..<505))
        var replayed = ReleaseState()
        for record in contents.records { replayed.apply(record) }
        let live = hub.snapshot()
        #expect(replayed.cell("linux/amd64") == live.cell("linux/amd64"))
        #expect(replayed.cell("linux/amd64")?.fingerprint == "abc")
        #expect(replayed.outcome == .succeeded)
        #expect(replayed.cell("linux/amd64")?.log.totalLines == 500)
    }

    @Test func bufferedLogLinesReachTheFileWithinTheFlushInterval() throws {
        let dir = dist()
        let hub = EventHub()
        let writer = JournalWriter(dist: dir, flushInterval: 0.05)
        hub.add(writer)
        hub.emit(.releaseStarted(JournalReaderTests.info))
        hub.emit(.log(cell: "linux/amd64", attempt: 1, lines: ["hello"]))
        hub.flush()
        let deadline = Date().addingTimeInterval(5)
        var count = 0
        while Date() < deadline {
            count = (try? JournalReader.read(writer.url))?.records.count ?? 0
            if count == 2 { break }
            usleep(20_000)
        }
        #expect(count == 2)
        writer.close()
    }

    @Test func aNewReleaseMovesTheOldJournalAside() throws {
        let dir = dist()
        for version in ["1", "2"] {
            let hub = EventHub()
            let writer = JournalWriter(dist: dir)
            hub.add(writer)
            var info = JournalReaderTests.info
            info.version = version
            hub.emit(.releaseStarted(info))
            hub.flush()
            writer.close()
        }
        let current = try JournalReader.read(dir.appendingPathComponent(JournalHeader.fileName))
        let previous = try JournalReader.read(dir.appendingPathComponent(JournalHeader.previousFileName))
        #expect(current.header?.plan.version == "2")
        #expect(previous.header?.plan.version == "1")
    }

    @Test func anUnwritableDistIsReportedNotFatal() throws {
        let hub = EventHub()
        let writer = JournalWriter(dist: URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)"))
        hub.add(writer)
        hub.emit(.releaseStarted(JournalReaderTests.info))
        hub.emit(.releaseFinished(outcome: .succeeded, seconds: 0))
        hub.flush()
        #expect(writer.error?.contains("cannot create") == true)
    }

    /// A flood of log events is written in batches and never synced line by line, so the journal
    /// costs the hub's queue little (the cost in time is measured by scripts/bench-dashboard, not here).
    @Test func aLogFloodIsWrittenInBatchesAndNotSynced() throws {
        let hub = EventHub()
        let folder = dist()
        let writer = JournalWriter(dist: folder)
        hub.add(writer)
        hub.emit(.releaseStarted(JournalReaderTests.info))
        hub.emit(.cellQueued(cell: "linux/amd64", attempt: 1))
        hub.flush()
        let before = writer.ioCounts
        let lines = (0..<10).map { "compiling package number \($0) of a rather large module" }
        for _ in 0..<20_000 { hub.emit(.log(cell: "linux/amd64", attempt: 1, lines: lines)) }
        hub.flush()
        let after = writer.ioCounts
        writer.close()
        // Full batches hold JournalWriter.bufferLimit events; the flush timer adds at most one small
        // batch per flushInterval. One write per event would be 20,000.
        #expect(after.writes - before.writes <= 20_000 / JournalWriter.bufferLimit + 500)
        // Only the two boundary events before the flood (synced asynchronously) may add a sync.
        #expect(after.syncs <= 2, "log lines are never synced one by one")
        let text = try String(contentsOf: folder.appendingPathComponent(JournalHeader.fileName), encoding: .utf8)
        #expect(text.split(separator: "\n").count >= 20_000)
    }
}
