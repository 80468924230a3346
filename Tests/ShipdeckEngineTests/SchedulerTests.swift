import Foundation
import Testing

@testable import ShipdeckEngine

/// The scheduler's rules on a fake runner (no process): the `--parallelism` bound on build
/// stages, longest-first order, post-build stages overlapping the next builds, release steps
/// re-running after a retry, cancel of queued and running cells, and the engine deciding from
/// its own ledger, never stalled by an observer.
// The time limit only guards against a hang: on a loaded 2-core machine a test can wait minutes for a
// thread of the test pool behind long end-to-end tests, and that wait counts against the limit.
@Suite(.timeLimit(.minutes(10))) struct SchedulerTests {
    let toolchain = GoToolchain(
        path: "/usr/local/bin/go", version: "go1.27.3",
        ports: ["linux/amd64": true, "linux/arm64": true, "linux/386": true, "linux/riscv64": true,
                "linux/ppc64le": true],
        hostTarget: BuildTarget(goos: "linux", goarch: "amd64"))

    struct Setup {
        let engine: ReleaseEngine
        let runner: FakeCommandRunner
        let events: EventLog
        let dist: URL
        let cells: [String]
    }

    /// A release of `targets` (raw binaries, no smoke unless `smoke` names the cell) on the fake runner.
    func setup(_ targets: [String], parallelism: Int, smoke: Set<String> = [], history: [String: Double] = [:],
               extraSlot: Bool = false) throws -> Setup
    {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("scheduler-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var config = ShipdeckConfig()
        config.targets = targets.map {
            TargetConfig(target: BuildTarget(parsing: $0)!, smoke: smoke.contains($0))
        }
        config.smoke = false
        config.archive.format = .binary
        let source = SourceInfo(moduleDirectory: root.path, modulePath: "example.com/tool", commit: "abc",
                                commitTime: 1_700_000_000)
        let plan = try PlanBuilder.plan(
            config: config, source: source, toolchain: toolchain,
            options: PlanOptions(moduleDirectory: root, distDirectory: root.appendingPathComponent("dist"),
                                 versionOverride: "1.0.0", environment: ["PATH": "/usr/bin:/bin"]))
        var options = EngineOptions(parallelism: parallelism)
        options.extraSlotForShortBuilds = extraSlot
        options.useHistory = false
        let hub = EventHub()
        let events = EventLog()
        hub.add(events)
        let runner = FakeCommandRunner(version: "1.0.0")
        let engine = ReleaseEngine(plan: plan, options: options, hub: hub, runner: runner,
                                   history: DurationHistory(seconds: history))
        return Setup(engine: engine, runner: runner, events: events, dist: plan.distDirectory, cells: plan.cells.map(\.id))
    }

    func finished(_ events: [EngineEvent], _ cell: String) -> CellStatus? {
        events.compactMap { event -> CellStatus? in
            if case .cellFinished(cell, _, let status, _, _) = event { return status }
            return nil
        }.last
    }

    @Test func anExtraBuildSlotOnlyForShortBuildsAndOnlyByDefault() {
        let cells = ["linux/amd64", "darwin/arm64"]
        let short = DurationHistory(seconds: ["linux/amd64": 0.4, "darwin/arm64": 2.9])
        let automatic = EngineOptions.automatic()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        #expect(automatic.parallelism == cores)
        #expect(ReleaseEngine.buildSlots(options: automatic, cells: cells, history: short) == cores + 1)
        // No history (a fresh CI runner), a cell never built, a long build: the cores.
        #expect(ReleaseEngine.buildSlots(options: automatic, cells: cells, history: DurationHistory()) == cores)
        #expect(ReleaseEngine.buildSlots(options: automatic, cells: cells + ["windows/amd64"], history: short) == cores)
        let long = DurationHistory(seconds: ["linux/amd64": 0.4, "darwin/arm64": 3.5])
        #expect(ReleaseEngine.buildSlots(options: automatic, cells: cells, history: long) == cores)
        // --parallelism N is exactly N.
        #expect(ReleaseEngine.buildSlots(options: EngineOptions(parallelism: 2), cells: cells, history: short) == 2)
        #expect(EngineOptions(parallelism: 0).parallelism == 1)
    }

    @Test func theExtraSlotRunsOneMoreBuildAtOnce() throws {
        // Four cells built in about a second each before; 2 slots by default → 3 builds at once.
        let targets = ["linux/amd64", "linux/arm64", "linux/386", "linux/riscv64"]
        let s = try setup(targets, parallelism: 2, history: Dictionary(uniqueKeysWithValues: targets.map { ($0, 1.0) }),
                          extraSlot: true)
        #expect(s.engine.slots == 3)
        try expectBuildsAtOnce(s, 3)
    }

    /// Starts the release and checks that `n` builds run at once: `n` start, the next one only once
    /// one of them ends, and (`peak`) never more than `n` beside each other.
    func expectBuildsAtOnce(_ s: Setup, _ n: Int) throws {
        try s.engine.start()
        #expect(s.runner.waitUntil { s.runner.started(.build).count == n })
        #expect(s.runner.started(.build).count == n)
        s.runner.release(.build, s.runner.started(.build)[0])
        #expect(s.runner.waitUntil { s.runner.started(.build).count == n + 1 })
        s.runner.releaseAll(s.cells)
        #expect(s.engine.waitUntilFinished() == .succeeded)
        #expect(s.runner.peak(.build) == n)
    }

    @Test func parallelismBoundsTheBuildStages() throws {
        let s = try setup(["linux/amd64", "linux/arm64", "linux/386", "linux/riscv64"], parallelism: 2)
        // Two builds run; the others wait until one of them ends, and no third ever runs beside them.
        try expectBuildsAtOnce(s, 2)
        #expect(Set(s.runner.started(.build)) == Set(s.cells))
    }

    @Test func longestCellsStartFirstAndUnknownOnesBeforeThem() throws {
        let s = try setup(["linux/amd64", "linux/arm64", "linux/386", "linux/riscv64"], parallelism: 1,
                          history: ["linux/amd64": 5, "linux/arm64": 30, "linux/386": 12])
        s.runner.releaseAll(s.cells)
        try s.engine.start()
        #expect(s.engine.waitUntilFinished() == .succeeded)
        // riscv64 has no history (it may be the slow one): first; then 30 s, 12 s, 5 s.
        #expect(s.runner.started(.build) == ["linux/riscv64", "linux/arm64", "linux/386", "linux/amd64"])
    }

    @Test func postBuildStagesOverlapTheNextBuild() throws {
        // parallelism 1, but linux/amd64's smoke stage (after its build) does not hold the slot.
        let s = try setup(["linux/amd64", "linux/arm64"], parallelism: 1, smoke: ["linux/amd64"],
                          history: ["linux/amd64": 10, "linux/arm64": 1])
        s.runner.release(.build, "linux/amd64")
        try s.engine.start()
        #expect(s.runner.waitUntil { s.runner.isRunning(.smoke, "linux/amd64") })
        #expect(s.runner.waitUntil { s.runner.isRunning(.build, "linux/arm64") },
                "the next build did not start while the first cell was smoke-testing: \(s.runner.events)")
        s.runner.releaseAll(s.cells)
        #expect(s.engine.waitUntilFinished() == .succeeded)
        #expect(s.runner.peak(.build) == 1)
    }

    @Test func releaseStepsRunAgainAfterARetry() throws {
        let s = try setup(["linux/amd64", "linux/arm64"], parallelism: 2)
        s.runner.failNextBuild(of: "linux/arm64")
        s.runner.releaseAll(s.cells)
        try s.engine.start()
        #expect(s.engine.waitUntilFinished() == .failed)
        let checksums = s.dist.appendingPathComponent("checksums.txt")
        let first = try String(contentsOf: checksums, encoding: .utf8)
        #expect(first.contains("linux_amd64") && !first.contains("linux_arm64"))

        #expect(s.engine.retry(cell: "linux/arm64"))
        #expect(s.runner.waitUntil { s.events.finishedCount() == 2 })
        #expect(s.engine.finalOutcome == .succeeded)
        let second = try String(contentsOf: checksums, encoding: .utf8)
        #expect(second.contains("linux_amd64") && second.contains("linux_arm64"))
        #expect(s.runner.started(.build).filter { $0 == "linux/arm64" }.count == 2)
    }

    @Test func cancelEndsAQueuedCellUnbuiltAndARunningOneThroughItsToken() throws {
        let s = try setup(["linux/amd64", "linux/arm64"], parallelism: 1, history: ["linux/amd64": 10, "linux/arm64": 1])
        try s.engine.start()
        #expect(s.runner.waitUntil { s.runner.isRunning(.build, "linux/amd64") })
        #expect(s.engine.cancel(cell: "linux/arm64"))  // queued
        #expect(s.engine.cancel(cell: "linux/amd64"))  // running: its token stops the (fake) child
        #expect(s.engine.waitUntilFinished() == .cancelled)
        #expect(s.runner.started(.build) == ["linux/amd64"])
        let events = s.events.events
        #expect(finished(events, "linux/arm64") == .cancelled)
        #expect(finished(events, "linux/amd64") == .cancelled)
        #expect(events.contains(.cellFinished(cell: "linux/arm64", attempt: 1, status: .cancelled, seconds: 0,
                                              error: "cancelled before it started")))
        #expect(!s.engine.cancel(cell: "linux/amd64"))  // nothing left to cancel
    }

    /// The ledger is updated before the event: an observer that retries on `cellFinished(failed)`
    /// (the dashboard's `r`) is never told the cell is not retryable.
    @Test func aRetryOnTheFailedEventIsAccepted() throws {
        let s = try setup(["linux/amd64"], parallelism: 1)
        s.runner.failNextBuild(of: "linux/amd64")
        s.runner.releaseAll(s.cells)
        let accepted = Flag()
        let engine = s.engine
        s.events.onEvent = { event in
            if case .cellFinished(_, 1, .failed, _, _) = event { accepted.set(engine.retry(cell: "linux/amd64")) }
        }
        try s.engine.start()
        // The retry starts the second build before engine.retry returns to the observer that sets the flag.
        #expect(s.runner.waitUntil { s.runner.started(.build).count == 2 && accepted.value != nil })
        #expect(accepted.value == true)
        #expect(s.runner.waitUntil { s.engine.finalOutcome == .succeeded })
    }

    /// An observer that blocks (a reporter on a full stdout pipe) does not stall the engine: the
    /// release steps and the outcome come from the ledger, not from the observers' state.
    @Test func aBlockedObserverDoesNotStallTheRelease() throws {
        let s = try setup(["linux/amd64", "linux/arm64"], parallelism: 2)
        let gate = DispatchSemaphore(value: 0)
        let blocker = BlockingObserver(gate: gate)
        s.engine.hub.add(blocker)
        s.runner.releaseAll(s.cells)
        try s.engine.start()
        #expect(s.runner.waitUntil { s.engine.finalOutcome != nil }, "the engine waited for a blocked observer")
        #expect(s.engine.finalOutcome == .succeeded)
        #expect(FileManager.default.fileExists(atPath: s.dist.appendingPathComponent("checksums.txt").path))
        gate.signal()
    }
}

/// A value set from another thread.
final class Flag: @unchecked Sendable {
    // `lock` guards `stored`.
    private let lock = NSLock()
    private var stored: Bool?
    func set(_ value: Bool) { lock.withLock { stored = value } }
    var value: Bool? { lock.withLock { stored } }
}

/// Blocks in its first delivery until `gate` is signalled.
final class BlockingObserver: ReleaseObserver, @unchecked Sendable {
    let gate: DispatchSemaphore
    // `lock` guards `blocked`.
    private let lock = NSLock()
    private var blocked = false
    init(gate: DispatchSemaphore) { self.gate = gate }
    func release(didEmit record: EventRecord, state: ReleaseState) {
        let first = lock.withLock { () -> Bool in
            defer { blocked = true }
            return !blocked
        }
        if first { gate.wait() }
    }
}
