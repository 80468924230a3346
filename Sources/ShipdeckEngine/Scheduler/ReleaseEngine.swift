import Foundation

/// How the engine runs a plan.
package struct EngineOptions: Sendable {
    /// Cells that run at once.
    package var parallelism: Int
    package var existingDist: DistFolder.ExistingContents
    /// Order cells longest first by the build durations of earlier releases (and record them).
    package var useHistory = true
    /// `--timeout`: the whole release may take this long; past it, running cells fail (their
    /// trees killed), queued ones never start, and the release ends `failed`.
    package var timeout: TimeInterval?
    /// `timeout:` in shipdeck.yml: one attempt of one cell may take this long; past it the cell
    /// fails saying so and its process tree is killed.
    package var cellTimeout: TimeInterval?
    /// The artifact cache a cell's binary is taken from when an earlier build had the same input
    /// fingerprint (and stored into after a build); nil builds everything (`--no-cache`, library default).
    package var cache: ArtifactCache?

    /// `--parallelism` left out: one more build slot when the history says every cell's build is
    /// short (`ReleaseEngine.buildSlots`).
    package var extraSlotForShortBuilds = false

    /// Cells at once = cores, plus one for short builds (`extraSlotForShortBuilds`).
    package static func automatic(existingDist: DistFolder.ExistingContents = .refuse) -> EngineOptions {
        var options = EngineOptions(parallelism: ProcessInfo.processInfo.activeProcessorCount, existingDist: existingDist)
        options.extraSlotForShortBuilds = true
        return options
    }

    package init(parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
                existingDist: DistFolder.ExistingContents = .refuse) {
        self.parallelism = max(1, parallelism)
        self.existingDist = existingDist
    }
}

/// Runs a `BuildPlan`: cells concurrently (bounded), then the release-wide steps once every cell
/// is final. Front ends observe it through `EventHub` and steer it only through the commands
/// below, which are safe to call from any thread. The engine decides from its own
/// `ReleaseLedger`, never from what observers have been shown.
public final class ReleaseEngine: @unchecked Sendable {
    public let plan: BuildPlan
    package let options: EngineOptions
    public let hub: EventHub
    package let dist: DistFolder
    let runner: any CommandRunner
    let ledger: ReleaseLedger

    // `lock` guards every `var` below.
    private let lock = NSLock()
    private var pending: [String] = []
    private var running: [String: CancellationToken] = [:]
    /// Cells in their build stages. Only these count against `parallelism`: archiving, hashing
    /// and signing of finished builds overlap with the next builds.
    private var building: Set<String> = []
    /// Bumped whenever a cell is (re)queued: release steps that started before it are stale.
    private var generation = 0
    /// Set by `interrupt`: the signal's name ("SIGINT").
    private var interruptedBy: String?
    /// Set when `--timeout` passed: what to say.
    private var releaseTimedOut: String?
    /// Set by `abort`: why the release cannot go on (its journal cannot be written).
    private var abortedBecause: String?
    /// Run when the release-wide steps are done, before the outcome is decided (see `addCheckBeforeFinishing`).
    private var checksBeforeFinishing: [@Sendable () -> Void] = []
    private var stepsRunning = false
    private var outcome: ReleaseOutcome?
    /// `outcome` once its `releaseFinished` has been emitted.
    private var announced: ReleaseOutcome?
    private var startTime = Date()
    private let stepsQueue = DispatchQueue(label: "shipdeck.release-steps")
    private let finished = NSCondition()
    private var history: DurationHistory
    /// Builds at once: `options.parallelism`, or one more (see `buildSlots`).
    package let slots: Int
    /// The source tree's hash (`CellFingerprint.sourceTree`): the planner's, else computed by the
    /// first cell that starts, and shared by the others; a retry hashes again (the user may have
    /// edited the source).
    /// `treeLock` guards it (not `lock`: hashing a large tree must not hold up the commands).
    private let treeLock = NSLock()
    private var sourceTreeHash: String?

    package convenience init(plan: BuildPlan, options: EngineOptions = EngineOptions(), hub: EventHub = EventHub()) {
        self.init(plan: plan, options: options, hub: hub, runner: ProcessRunner())
    }

    /// An engine whose children run through `runner` (a fake in scheduler unit tests).
    /// - Parameter history: durations to order by instead of the cache's (unit tests).
    package init(plan: BuildPlan, options: EngineOptions, hub: EventHub, runner: any CommandRunner,
                 history: DurationHistory? = nil) {
        self.plan = plan
        self.options = options
        self.hub = hub
        self.runner = runner
        self.dist = DistFolder(url: plan.distDirectory)
        self.ledger = ReleaseLedger(cells: plan.cells.map(\.id))
        self.sourceTreeHash = plan.sourceTree
        let known = history ?? (options.useHistory
            ? DurationHistory.load(modulePath: plan.source.modulePath, environment: ProcessInfo.processInfo.environment)
            : DurationHistory())
        self.history = known
        self.slots = Self.buildSlots(options: options, cells: plan.cells.map(\.id), history: known)
    }

    /// A build this short (seconds, from earlier releases) is mostly serial work: go's cache
    /// checks, then the link.
    static let shortBuildSeconds = 3.0

    /// `options.parallelism`, plus one slot when `--parallelism` was left out and earlier releases
    /// built every cell in under `shortBuildSeconds`. A warm go build of a small module keeps about
    /// one core busy, so cells = cores left a core idle: on 2 cores a warm release of hello took
    /// 1.142 s with 2 cells at once and 1.020 s with 3 (script 1.188 s). Where go compiles (a cold
    /// cache, a large module) its own `-p` already fills the cores and the extra cell only competes,
    /// so without a history (a fresh CI runner) or with a long build the count stays the cores.
    static func buildSlots(options: EngineOptions, cells: [String], history: DurationHistory) -> Int {
        guard options.extraSlotForShortBuilds, !cells.isEmpty,
              cells.allSatisfy({ (history.seconds[$0] ?? .infinity) < shortBuildSeconds }) else { return options.parallelism }
        return options.parallelism + 1
    }

    /// Prepares dist/ (this can throw: nothing has run yet), announces the plan and starts cells.
    /// - Parameters:
    ///   - kept: cells whose outputs an interrupted release already left in dist/
    ///     (`ResumeIndex`, `--resume`): they are announced with their artifacts and finish at once,
    ///     without running; the others run as usual.
    ///   - previousAttempts: the last attempt number of each cell in the interrupted release: a
    ///     cell that runs again gets the next one (its own staging folder and log file).
    package func start(resuming kept: [String: ResumeIndex.KeptCell] = [:], previousAttempts: [String: Int] = [:]) throws {
        try dist.prepare(existing: options.existingDist, moduleDirectory: plan.moduleDirectory)
        lock.withLock { startTime = Date() }
        // The dashboard's estimate of the time left: earlier durations and the build slots.
        var info = plan.info
        info.expectedSeconds = lock.withLock { history.seconds }.filter { id, _ in plan.cell(id) != nil }
        info.parallelism = slots
        hub.emit(.releaseStarted(info))
        for warning in plan.warnings { hub.emit(.warning(warning)) }
        try GoReleaserHookRunner.runBefore(plan, dist: dist, hub: hub, runner: runner)  // a GoReleaser config's before.hooks
        var firstAttempts: [String: Int] = [:]
        lock.withLock {
            for cell in plan.cells {
                let previous = previousAttempts[cell.id]
                let attempt = kept[cell.id] == nil ? (previous ?? 0) + 1 : (previous ?? 1)
                firstAttempts[cell.id] = attempt
                ledger.update(cell.id) { entry in
                    entry.attempt = attempt
                    if let reused = kept[cell.id] {
                        entry.status = .succeeded
                        entry.artifacts = reused.artifacts
                    }
                }
                if kept[cell.id] == nil { pending.append(cell.id) }
            }
            pending = history.order(pending)
        }
        for cell in plan.cells {
            let attempt = firstAttempts[cell.id] ?? 1
            hub.emit(.cellQueued(cell: cell.id, attempt: attempt))
            guard let reused = kept[cell.id] else { continue }
            hub.emit(.cellFingerprint(cell: cell.id, attempt: attempt, fingerprint: reused.fingerprint, reused: true))
            for artifact in reused.artifacts { hub.emit(.artifact(artifact)) }
            hub.emit(.cellFinished(cell: cell.id, attempt: attempt, status: .succeeded, seconds: 0, error: nil))
        }
        if let timeout = options.timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in
                self?.timeOut(after: timeout)
            }
        }
        schedule()
        finishIfDone()
    }

    /// Blocks until the release (or the release after a retry) has finished and observers have
    /// been told; returns its outcome.
    public func waitUntilFinished() -> ReleaseOutcome {
        finished.lock()
        while lock.withLock({ announced }) == nil { finished.wait() }
        finished.unlock()
        hub.flush()
        return lock.withLock { announced } ?? .failed
    }

    /// How the release ended, as the engine decided it (nil while it runs).
    public var finalOutcome: ReleaseOutcome? { lock.withLock { outcome } }

    // MARK: Commands

    /// Runs a failed or cancelled cell again. Returns false when the cell is not in a retryable state.
    @discardableResult
    public func retry(cell id: String) -> Bool {
        let attempt: Int? = lock.withLock {
            guard interruptedBy == nil, releaseTimedOut == nil, abortedBecause == nil, let next = ledger.beginRetry(id)
            else { return nil }
            pending.append(id)
            generation += 1
            treeLock.withLock { sourceTreeHash = nil }
            outcome = nil
            announced = nil
            return next
        }
        guard let attempt else { return false }
        hub.emit(.cellQueued(cell: id, attempt: attempt))
        schedule()
        return true
    }

    /// Retries every failed cell; returns how many.
    @discardableResult
    public func retryFailed() -> Int {
        ledger.ids(with: .failed).filter { retry(cell: $0) }.count
    }

    /// Cancels a queued or running cell: its whole process tree is killed.
    @discardableResult
    public func cancel(cell id: String) -> Bool {
        stop(cell: id, reason: .cancelled, notStarted: "cancelled before it started")
    }

    /// Cancels every queued and running cell.
    public func cancelAll() {
        let ids = lock.withLock { pending + Array(running.keys) }
        for id in ids { cancel(cell: id) }
    }

    /// Stops the release for good (SIGINT, SIGTERM, SIGHUP, SIGPIPE): cancels everything, refuses
    /// retries, and ends with an `interrupted` outcome and without release-wide steps.
    /// - Parameter signal: the signal's name, announced in an `interrupted` event.
    public func interrupt(signal: String = "SIGINT") {
        let first: Bool = lock.withLock {
            guard interruptedBy == nil else { return false }
            interruptedBy = signal
            return true
        }
        if first { hub.emit(.interrupted(signal: signal)) }
        cancelAll()
        finishIfDone()
    }

    /// The release cannot go on (`what` says why: its journal cannot be written): running cells fail
    /// (trees killed), queued ones never start, no release-wide step runs, retries are refused, and
    /// the release ends `failed`. Safe to call at any time, once the release ended too.
    public func abort(_ what: String) {
        let proceed: Bool = lock.withLock {
            guard abortedBecause == nil else { return false }
            abortedBecause = what
            return true
        }
        guard proceed else { return }
        hub.emit(.warning("\(what): stopping the release"))
        let ids = lock.withLock { pending + Array(running.keys) }
        // Each stopped cell's end finishes the release; with none left, the steps under way (or the
        // start) do, and they see `abortedBecause`.
        for id in ids { stop(cell: id, reason: .aborted(what), status: .failed, notStarted: "not started: \(what)") }
    }

    /// `check` runs after the release-wide steps, every event before it delivered, before the outcome
    /// is decided: the journal writes and checks what it holds, and a failure it finds calls `abort`
    /// in time to fail this release.
    public func addCheckBeforeFinishing(_ check: @escaping @Sendable () -> Void) {
        lock.withLock { checksBeforeFinishing.append(check) }
    }

    /// `--timeout` passed: running cells fail (trees killed), queued ones never start.
    private func timeOut(after seconds: TimeInterval) {
        let what = "the release passed --timeout \(DurationText.format(seconds))"
        let proceed: Bool = lock.withLock {
            guard outcome == nil, interruptedBy == nil, releaseTimedOut == nil else { return false }
            releaseTimedOut = what
            return true
        }
        guard proceed else { return }
        hub.emit(.warning("\(what): stopping every cell"))
        let ids = lock.withLock { pending + Array(running.keys) }
        for id in ids { stop(cell: id, reason: .timedOut("--timeout \(DurationText.format(seconds))"), status: .failed,
                             notStarted: "not started: \(what)") }
        finishIfDone()
    }

    /// Dequeues a queued cell (it ends `status` with `notStarted`) or stops a running one's tree.
    @discardableResult
    private func stop(cell id: String, reason: CancellationReason, status: CellStatus = .cancelled,
                      notStarted: String) -> Bool {
        enum Action { case none, dequeued(Int), kill(CancellationToken) }
        let action: Action = lock.withLock {
            if let index = pending.firstIndex(of: id) {
                pending.remove(at: index)
                ledger.update(id) { cell in
                    cell.status = status
                    cell.error = notStarted
                }
                return .dequeued(ledger.attempt(id))
            }
            if let token = running[id] { return .kill(token) }
            return .none
        }
        switch action {
        case .none: return false
        case .kill(let token): token.cancel(reason)
        case .dequeued(let attempt):
            hub.emit(.cellFinished(cell: id, attempt: attempt, status: status, seconds: 0, error: notStarted))
            finishIfDone()
        }
        return true
    }

    // MARK: Scheduling

    private func schedule() {
        // Queued after `abort` (it came while the release was starting): these never start either.
        if let what = lock.withLock({ abortedBecause }) {
            for id in lock.withLock({ pending }) {
                stop(cell: id, reason: .aborted(what), status: .failed, notStarted: "not started: \(what)")
            }
            return
        }
        while true {
            let next: (String, Int, CancellationToken, Int)? = lock.withLock {
                guard building.count < slots, !pending.isEmpty else { return nil }
                let id = pending.removeFirst()
                let token = CancellationToken()
                running[id] = token
                building.insert(id)
                ledger.update(id) { $0.status = .running }
                // This build and the others building or about to start beside it (GoThreads). The
                // last one to start outlives the builds it starts beside (they began earlier) and
                // spends most of its time alone: it counts as alone and keeps go's defaults.
                let buildsAtOnce = pending.isEmpty ? 1 : min(slots, building.count + pending.count)
                return (id, ledger.attempt(id), token, buildsAtOnce)
            }
            guard let (id, attempt, token, buildsAtOnce) = next, let cell = plan.cell(id) else { return }
            if let limit = options.cellTimeout {
                DispatchQueue.global().asyncAfter(deadline: .now() + limit) {
                    token.cancel(.timedOut("timeout: \(DurationText.format(limit)) per cell"))
                }
            }
            DispatchQueue(label: "shipdeck.cell.\(id)").async { [self] in
                let started = DispatchTime.now()
                let fingerprint = CellFingerprint(plan: plan, cell: cell, sourceTree: sourceTree()).value
                hub.emit(.cellFingerprint(cell: id, attempt: attempt, fingerprint: fingerprint, reused: false))
                var pipeline = CellPipeline(plan: plan, cell: cell, attempt: attempt, dist: dist, token: token, hub: hub)
                pipeline.runner = runner
                pipeline.buildsAtOnce = buildsAtOnce
                pipeline.cache = options.cache
                pipeline.fingerprint = fingerprint
                pipeline.ledger = ledger
                pipeline.onBuildsDone = { [self] in
                    lock.withLock { _ = building.remove(id) }
                    schedule()
                }
                let (status, error) = pipeline.run()
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                // The ledger first: whoever reacts to the event (a retry on `r`) finds the engine agreeing.
                lock.withLock {
                    running[id] = nil
                    building.remove(id)
                    ledger.update(id) { entry in
                        entry.status = status
                        entry.error = error
                    }
                }
                hub.emit(.cellFinished(cell: id, attempt: attempt, status: status, seconds: seconds, error: error))
                schedule()
                finishIfDone()
            }
        }
    }

    /// The source tree's hash, once per release (and again after a retry): cells starting at once
    /// wait for the one hashing it rather than walking the tree each.
    private func sourceTree() -> String {
        treeLock.withLock {
            if let sourceTreeHash { return sourceTreeHash }
            let hash = CellFingerprint.sourceTree(of: plan)
            sourceTreeHash = hash
            return hash
        }
    }

    /// Remembers how long each built cell took, for longest-first ordering next time.
    private func recordDurations() {
        guard options.useHistory else { return }
        let durations = ledger.buildDurations()
        if !durations.isEmpty { lock.withLock { history.record(durations) } }
    }

    /// When no cell is queued or running, runs the release-wide steps (or, once interrupted or
    /// timed out, just ends the release).
    private func finishIfDone() {
        let decision: (generation: Int, stopped: Bool)? = lock.withLock {
            guard pending.isEmpty, running.isEmpty, !stepsRunning else { return nil }
            stepsRunning = true
            return (generation, interruptedBy != nil || releaseTimedOut != nil || abortedBecause != nil)
        }
        guard let decision else { return }
        stepsQueue.async { [self] in
            var failed = false
            if !decision.stopped {
                var steps = ReleaseSteps(plan: plan, dist: dist, hub: hub)
                steps.cachedBuilds = ledger.cachedBuilds()
                failed = !steps.run(cellArtifacts: ledger.succeededArtifacts())
            }
            // A signal that arrived while the steps ran still ends the release `interrupted`.
            let (rerun, interrupted, timedOut): (Bool, Bool, Bool) = lock.withLock {
                stepsRunning = false
                return (generation != decision.generation || !pending.isEmpty || !running.isEmpty,
                        interruptedBy != nil, releaseTimedOut != nil)
            }
            if rerun && !decision.stopped {
                finishIfDone()
                return
            }
            let checks = lock.withLock { checksBeforeFinishing }
            if !checks.isEmpty {
                hub.flush()
                for check in checks { check() }
            }
            let aborted = lock.withLock { abortedBecause != nil }
            if !rerun { dist.removeWorkFiles() }
            recordDurations()
            let result: ReleaseOutcome
            if interrupted {
                result = .interrupted
            } else if failed || timedOut || aborted || ledger.count(.failed) > 0 {
                result = .failed
            } else if ledger.count(.cancelled) > 0 {
                result = .cancelled
            } else {
                result = .succeeded
            }
            lock.withLock { outcome = result }
            hub.emit(.releaseFinished(outcome: result, seconds: Date().timeIntervalSince(lock.withLock { startTime })))
            finished.lock()
            lock.withLock { announced = result }
            finished.broadcast()
            finished.unlock()
        }
    }
}
