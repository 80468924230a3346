import Foundation
import Testing
@testable import ShipdeckModel

@Suite struct ReleaseStateTests {
    static let info = ReleaseInfo(
        project: "p", version: "1.0.0", commit: "abc", goVersion: "go1.27.3", sourceDateEpoch: 0, distDirectory: "/d",
        shipdeckVersion: "0", cells: [CellInfo(id: "linux/amd64", target: BuildTarget(goos: "linux", goarch: "amd64"),
                                               artifactBase: "p_1.0.0_linux_amd64")])

    func reduce(_ events: [EngineEvent]) -> ReleaseState {
        var state = ReleaseState()
        for (i, event) in events.enumerated() { state.apply(EventRecord(seq: i, time: Double(i), event: event)) }
        return state
    }

    @Test func retryKeepsTheEarlierAttemptReachable() {
        let state = reduce([
            .releaseStarted(Self.info),
            .cellQueued(cell: "linux/amd64", attempt: 1),
            .stageStarted(cell: "linux/amd64", attempt: 1, stage: .build),
            .log(cell: "linux/amd64", attempt: 1, lines: ["syntax error"]),
            .cellFinished(cell: "linux/amd64", attempt: 1, status: .failed, seconds: 1, error: "go build failed"),
            .cellQueued(cell: "linux/amd64", attempt: 2),
            .stageStarted(cell: "linux/amd64", attempt: 2, stage: .build),
            .log(cell: "linux/amd64", attempt: 1, lines: ["late line of attempt 1"]),
            .log(cell: "linux/amd64", attempt: 2, lines: ["ok"]),
        ])
        let cell = state.cell("linux/amd64")!
        #expect(cell.attempt == 2)
        #expect(cell.status == .running)
        #expect(cell.stage == .build)
        #expect(cell.log.ordered == ["ok"])
        #expect(cell.previousAttempts.count == 1)
        #expect(cell.previousAttempts[0].status == .failed)
        #expect(cell.previousAttempts[0].log.ordered == ["syntax error"])
    }

    @Test func countsAndOutcome() {
        let state = reduce([
            .releaseStarted(Self.info),
            .cellQueued(cell: "linux/amd64", attempt: 1),
            .cellFinished(cell: "linux/amd64", attempt: 1, status: .succeeded, seconds: 1, error: nil),
            .releaseFinished(outcome: .succeeded, seconds: 2),
        ])
        #expect(state.count(.succeeded) == 1)
        #expect(state.allCellsFinal)
        #expect(state.outcome == .succeeded)
    }

    @Test func logTailIsBounded() {
        var tail = LogTail(capacity: 3)
        tail.append(contentsOf: ["1", "2"])
        tail.append(contentsOf: ["3", "4", "5"])
        #expect(tail.ordered == ["3", "4", "5"])
        #expect(tail.totalLines == 5)
        tail.append(contentsOf: ["6"])
        #expect(tail.ordered == ["4", "5", "6"])
        #expect(tail[0] == "4")
    }

    @Test func eventsRoundTripThroughJSON() throws {
        let record = EventRecord(seq: 3, time: 1.5, event: .stageFinished(cell: "linux/amd64", attempt: 1, stage: .build,
                                                                         result: .failed, seconds: 2, detail: "x"))
        let data = try JSONEncoder().encode(record)
        #expect(try JSONDecoder().decode(EventRecord.self, from: data) == record)
    }
}

@Suite struct UntrustedTextTests {
    @Test func escapeSequencesAreShownNotActedOn() {
        #expect(UntrustedText.escape("\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{07}") == "\\e[2J\\e]52;c;ZXZpbA==\\x07")
        #expect(UntrustedText.escape("a\u{202e}b") == "a<U+202E>b")
        #expect(UntrustedText.escape("c1:\u{9b}") == "c1:\\x9b")
        #expect(UntrustedText.escape("del\u{7f}") == "del\\x7f")
        #expect(UntrustedText.escape("tab\tok") == "tab\tok")
        #expect(UntrustedText.escape("日本語 ✓") == "日本語 ✓")
    }

    @Test func carriageReturnOverwritesTheLine() {
        #expect(UntrustedText.escape("10%\r20%\r100%") == "100%")
        #expect(UntrustedText.escape("downloading\rok") == "okwnloading")
    }
}
