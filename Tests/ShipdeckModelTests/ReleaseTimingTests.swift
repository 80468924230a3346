import Foundation
import Testing
@testable import ShipdeckModel

/// The reducer's timing: stage spans for the timeline, step runs, the release clock that stops
/// when the release ends and resumes with a retry, "will run again", building vs post-build.
@Suite struct ReleaseTimingTests {
    static func info(cells: [String], expected: [String: Double]? = nil, parallelism: Int? = nil) -> ReleaseInfo {
        ReleaseInfo(project: "p", version: "1.0.0", commit: nil, goVersion: "go1.27.3", sourceDateEpoch: 0, distDirectory: "/d",
                    shipdeckVersion: "0",
                    cells: cells.map { id in
                        let parts = id.split(separator: "/").map(String.init)
                        return CellInfo(id: id, target: BuildTarget(goos: parts[0], goarch: parts[1]), artifactBase: "p_\(parts[0])")
                    }, expectedSeconds: expected, parallelism: parallelism)
    }

    func reduce(_ timed: [(Double, EngineEvent)]) -> ReleaseState {
        var state = ReleaseState()
        for (i, (time, event)) in timed.enumerated() { state.apply(EventRecord(seq: i, time: time, event: event)) }
        return state
    }

    static let a = "linux/amd64", b = "windows/amd64"

    /// a succeeds 0-10 s; b fails 0-4 s; the steps run at 10-11 s; the release ends at 11 s; idle
    /// until 600 s, when b is retried and succeeds at 606 s; the steps again; the end at 607 s.
    static var retried: [(Double, EngineEvent)] {
        [
            (0, .releaseStarted(info(cells: [a, b], parallelism: 2))),
            (0, .cellQueued(cell: a, attempt: 1)), (0, .cellQueued(cell: b, attempt: 1)),
            (0, .stageStarted(cell: a, attempt: 1, stage: .build)), (0, .stageStarted(cell: b, attempt: 1, stage: .build)),
            (4, .stageFinished(cell: b, attempt: 1, stage: .build, result: .failed, seconds: 4, detail: nil)),
            (4, .cellFinished(cell: b, attempt: 1, status: .failed, seconds: 4, error: "go build failed")),
            (8, .stageFinished(cell: a, attempt: 1, stage: .build, result: .succeeded, seconds: 8, detail: nil)),
            (8, .stageStarted(cell: a, attempt: 1, stage: .archive)),
            (10, .stageFinished(cell: a, attempt: 1, stage: .archive, result: .succeeded, seconds: 2, detail: nil)),
            (10, .cellFinished(cell: a, attempt: 1, status: .succeeded, seconds: 10, error: nil)),
            (10, .stepStarted(step: .checksums)),
            (11, .stepFinished(step: .checksums, result: .succeeded, seconds: 1, detail: nil)),
            (11, .releaseFinished(outcome: .failed, seconds: 11)),
            (600, .cellQueued(cell: b, attempt: 2)),
            (600, .stageStarted(cell: b, attempt: 2, stage: .build)),
        ]
    }

    static var retriedDone: [(Double, EngineEvent)] {
        retried + [
            (605, .stageFinished(cell: b, attempt: 2, stage: .build, result: .succeeded, seconds: 5, detail: nil)),
            (606, .cellFinished(cell: b, attempt: 2, status: .succeeded, seconds: 6, error: nil)),
            (606, .stepStarted(step: .checksums)),
            (607, .stepFinished(step: .checksums, result: .succeeded, seconds: 1, detail: nil)),
            (607, .releaseFinished(outcome: .succeeded, seconds: 607)),
        ]
    }

    @Test func theClockStopsWhenTheReleaseEndsAndResumesWithARetry() {
        var state = reduce(Array(Self.retried.prefix(14)))
        #expect(state.activeSeconds(now: 11) == 11)
        #expect(state.activeSeconds(now: 500) == 11, "idle time after the end does not count")
        state = reduce(Self.retried)
        #expect(state.activeSeconds(now: 603) == 14)
        state = reduce(Self.retriedDone)
        #expect(state.activeSeconds(now: 10_000) == 18)
    }

    @Test func stepsThatRanBeforeARetryWillRunAgain() {
        var state = reduce(Self.retried)
        #expect(state.steps[.checksums]?.willRunAgain == true)
        #expect(state.steps[.checksums]?.result == .succeeded, "what it did is kept, marked stale")
        state = reduce(Self.retriedDone)
        #expect(state.steps[.checksums]?.willRunAgain == false)
        #expect(state.stepRuns.map(\.start) == [10, 606])
        #expect(state.stepRuns.map(\.end) == [11, 607])
    }

    @Test func stageSpansOfEveryAttemptAreKept() {
        let state = reduce(Self.retriedDone)
        let a = state.cell(Self.a)!, b = state.cell(Self.b)!
        #expect(a.spans.map(\.stage) == [.build, .archive])
        #expect(a.spans.map(\.start) == [0, 8] && a.spans.map(\.end) == [8, 10])
        #expect(b.previousAttempts[0].spans == [StageSpan(stage: .build, start: 0, end: 4, result: .failed)])
        #expect(b.spans == [StageSpan(stage: .build, start: 600, end: 605, result: .succeeded)])
        let timeline = ReleaseTimeline(state: state, now: 10_000)
        #expect(timeline.duration == 607)
        #expect(timeline.rows.map(\.label) == [Self.a, Self.b, "checksums"])
        #expect(timeline.rows[1].bars.map(\.earlier) == [true, false])
        #expect(timeline.slowestCell == Self.b)
        let line = timeline.chartLine(timeline.rows[0], width: 61)
        #expect(line.hasPrefix("b"), "\(line)")
        #expect(timeline.chartLine(timeline.rows[1], width: 61).first == "x", "the failed first attempt")
        #expect(timeline.textChart(width: 40).contains { $0.contains("(ended last)") && $0.hasPrefix(Self.b) })
    }

    @Test func runningCellsCountAsBuildingOrPostBuild() {
        let state = reduce(Array(Self.retried.prefix(9)))
        // b failed; a is archiving.
        #expect(state.buildingCount == 0 && state.postBuildCount == 1)
        let early = reduce(Array(Self.retried.prefix(5)))
        #expect(early.buildingCount == 2 && early.postBuildCount == 0)
    }

    @Test func progressUsesHistoryAndTheMedianForUnseenCells() {
        let c = "darwin/arm64"
        let state = reduce([
            (0, .releaseStarted(Self.info(cells: [Self.a, Self.b, c], expected: [Self.a: 10, Self.b: 30], parallelism: 1))),
            (0, .cellQueued(cell: Self.a, attempt: 1)), (0, .cellQueued(cell: Self.b, attempt: 1)),
            (0, .cellQueued(cell: c, attempt: 1)),
            (0, .stageStarted(cell: Self.a, attempt: 1, stage: .build)),
        ])
        // a: 10 s expected, 5 s in; b 30 s; c never seen: the median of 10 and 30 = 20 s.
        let progress = ReleaseProgress(state: state, now: 5)
        #expect(abs(progress.fraction - 5.0 / 60.0) < 1e-9)
        #expect(progress.remainingSeconds == Double(55), "one slot: a's 5 s left, then b and c")
        let wide = ReleaseProgress.replay(building: [5], postBuild: [], queued: [30, 20], slots: 2)
        #expect(wide == 30, "two slots: b starts at once, c after a")
    }

    @Test func withoutHistoryTheFinishedCellsAreTheEstimate() {
        let state = reduce(Array(Self.retried.prefix(11)))
        let progress = ReleaseProgress(state: state, now: 10)
        #expect(progress.finalCells == 2)
        #expect(progress.remainingSeconds == 0)
        let none = reduce(Array(Self.retried.prefix(5)))
        #expect(ReleaseProgress(state: none, now: 1).remainingSeconds == nil, "nothing to estimate from yet")
    }
}
