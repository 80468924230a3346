import Foundation

/// How the engine runs a plan.
public struct EngineOptions: Sendable {
    /// Cells that run at once.
    public var parallelism: Int
    public var existingDist: DistFolder.ExistingContents
    /// Order cells longest first by the build durations of earlier releases (and record them).
    public var useHistory = true

    public init(parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
                existingDist: DistFolder.ExistingContents = .refuse) {
        self.parallelism = max(1, parallelism)
        self.existingDist = existingDist
    }
}

/// Runs a `BuildPlan`: cells concurrently (bounded), then the release-wide steps once every cell
/// is final. Front ends observe it through `EventHub` and steer it only through the commands
/// below, which are safe to call from any thread.
public final class ReleaseEngine: @unchecked Sendable {
    public let plan: BuildPlan
    public let options: EngineOptions
    public let hub: EventHub
    public let dist: DistFolder

    private let lock = NSLock()
    private var attempts: [String: Int] = [:]
    private var statuses: [String: CellStatus] = [:]
    private var pending: [String] = []
    private var running: [String: CancellationToken] = [:]
    /// Cells in their build stages. Only these count against `parallelism`: archiving, hashing
    /// and signing of finished builds overlap with the next builds.
    private var building: Set<String> = []
    /// Bumped whenever a cell is (re)queued: release steps that started before it are stale.
    private var generation = 0
    private var interrupted = false
    private var stepsRunning = false
    private var startTime = Date()
    private let stepsQueue = DispatchQueue(label: "shipdeck.release-steps")
    private var history: DurationHistory

    public init(plan: BuildPlan, options: EngineOptions = EngineOptions(), hub: EventHub = EventHub()) {
        self.plan = plan
        self.options = options
        self.hub = hub
        self.dist = DistFolder(url: plan.distDirectory)
        self.history = options.useHistory
            ? DurationHistory.load(modulePath: plan.source.modulePath, environment: ProcessInfo.processInfo.environment)
            : DurationHistory()
    }

    /// Prepares dist/ (this can throw: nothing has run yet), announces the plan and starts cells.
    /// - Parameter kept: cells whose outputs an interrupted release already left in dist/
    ///   (`ResumeIndex`, `--resume`): they are announced with their artifacts and finish at once,
    ///   without running; the others run as usual.
    public func start(resuming kept: [String: ResumeIndex.KeptCell] = [:]) throws {
        try dist.prepare(existing: options.existingDist, moduleDirectory: plan.moduleDirectory)
        startTime = Date()
        hub.emit(.releaseStarted(plan.info))
        for warning in plan.warnings { hub.emit(.warning(warning)) }
        lock.withLock {
            for cell in plan.cells {
                attempts[cell.id] = 1
                statuses[cell.id] = kept[cell.id] == nil ? .queued : .succeeded
                if kept[cell.id] == nil { pending.append(cell.id) }
            }
            pending = history.order(pending)
        }
        for cell in plan.cells {
            hub.emit(.cellQueued(cell: cell.id, attempt: 1))
            guard let reused = kept[cell.id] else { continue }
            hub.emit(.cellFingerprint(cell: cell.id, attempt: 1, fingerprint: reused.fingerprint, reused: true))
            for artifact in reused.artifacts { hub.emit(.artifact(artifact)) }
            hub.emit(.cellFinished(cell: cell.id, attempt: 1, status: .succeeded, seconds: 0, error: nil))
        }
        schedule()
        finishIfDone()
    }

    /// Blocks until the release (or the release after a retry) has finished; returns its outcome.
    public func waitUntilFinished() -> ReleaseOutcome {
        _ = hub.waitForFinish(after: 0)
        return hub.snapshot().outcome ?? .failed
    }

    // MARK: Commands

    /// Runs a failed or cancelled cell again. Returns false when the cell is not in a retryable state.
    @discardableResult
    public func retry(cell id: String) -> Bool {
        let attempt: Int? = lock.withLock {
            guard !interrupted, let status = statuses[id], status == .failed || status == .cancelled else { return nil }
            let next = (attempts[id] ?? 0) + 1
            attempts[id] = next
            statuses[id] = .queued
            pending.append(id)
            generation += 1
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
        let failed = lock.withLock { statuses.filter { $0.value == .failed }.map(\.key) }
        return plan.cells.map(\.id).filter(failed.contains).filter { retry(cell: $0) }.count
    }

    /// Cancels a queued or running cell: its whole process tree is killed.
    @discardableResult
    public func cancel(cell id: String) -> Bool {
        enum Action { case none, dequeued(Int), kill(CancellationToken) }
        let action: Action = lock.withLock {
            if let index = pending.firstIndex(of: id) {
                pending.remove(at: index)
                statuses[id] = .cancelled
                return .dequeued(attempts[id] ?? 1)
            }
            if let token = running[id] { return .kill(token) }
            return .none
        }
        switch action {
        case .none: return false
        case .kill(let token): token.cancel()
        case .dequeued(let attempt):
            hub.emit(.cellFinished(cell: id, attempt: attempt, status: .cancelled, seconds: 0, error: "cancelled before it started"))
            finishIfDone()
        }
        return true
    }

    /// Cancels every queued and running cell.
    public func cancelAll() {
        let ids = lock.withLock { pending + Array(running.keys) }
        for id in ids { cancel(cell: id) }
    }

    /// Stops the release for good (SIGINT/SIGTERM): cancels everything, refuses retries, and ends
    /// with an `interrupted` outcome and without release-wide steps.
    public func interrupt() {
        lock.withLock { interrupted = true }
        cancelAll()
        finishIfDone()
    }

    // MARK: Scheduling

    private func schedule() {
        while true {
            let next: (String, Int, CancellationToken)? = lock.withLock {
                guard building.count < options.parallelism, !pending.isEmpty else { return nil }
                let id = pending.removeFirst()
                let token = CancellationToken()
                running[id] = token
                building.insert(id)
                statuses[id] = .running
                return (id, attempts[id] ?? 1, token)
            }
            guard let (id, attempt, token) = next, let cell = plan.cell(id) else { return }
            DispatchQueue(label: "shipdeck.cell.\(id)").async { [self] in
                let started = DispatchTime.now()
                hub.emit(.cellFingerprint(cell: id, attempt: attempt, fingerprint: CellFingerprint(plan: plan, cell: cell).value,
                                          reused: false))
                var pipeline = CellPipeline(plan: plan, cell: cell, attempt: attempt, dist: dist, token: token, hub: hub)
                pipeline.onBuildsDone = { [self] in
                    lock.withLock { _ = building.remove(id) }
                    schedule()
                }
                let (status, error) = pipeline.run()
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                hub.emit(.cellFinished(cell: id, attempt: attempt, status: status, seconds: seconds, error: error))
                lock.withLock {
                    running[id] = nil
                    building.remove(id)
                    statuses[id] = status
                }
                schedule()
                finishIfDone()
            }
        }
    }

    /// Remembers how long each built cell took, for longest-first ordering next time.
    private func recordDurations(_ state: ReleaseState) {
        guard options.useHistory else { return }
        var durations: [String: Double] = [:]
        for cell in state.cells where cell.status == .succeeded {
            if let build = cell.stageSeconds[.build] { durations[cell.id] = build }
        }
        if !durations.isEmpty { history.record(durations) }
    }

    /// When no cell is queued or running, runs the release-wide steps (or, once interrupted,
    /// just ends the release).
    private func finishIfDone() {
        let decision: (generation: Int, interrupted: Bool)? = lock.withLock {
            guard pending.isEmpty, running.isEmpty, !stepsRunning else { return nil }
            stepsRunning = true
            return (generation, interrupted)
        }
        guard let decision else { return }
        stepsQueue.async { [self] in
            var failed = false
            if !decision.interrupted {
                failed = !ReleaseSteps(plan: plan, dist: dist, hub: hub).run()
            }
            // A signal that arrived while the steps ran still ends the release `interrupted`.
            let (rerun, interruptedDuringSteps): (Bool, Bool) = lock.withLock {
                stepsRunning = false
                return (generation != decision.generation || !pending.isEmpty || !running.isEmpty, interrupted)
            }
            if rerun && !decision.interrupted {
                finishIfDone()
                return
            }
            if !rerun { dist.removeWorkFiles() }
            hub.flush()
            let state = hub.snapshot()
            recordDurations(state)
            let outcome: ReleaseOutcome
            if decision.interrupted || interruptedDuringSteps {
                outcome = .interrupted
            } else if failed || state.count(.failed) > 0 {
                outcome = .failed
            } else if state.count(.cancelled) > 0 {
                outcome = .cancelled
            } else {
                outcome = .succeeded
            }
            hub.emit(.releaseFinished(outcome: outcome, seconds: Date().timeIntervalSince(startTime)))
        }
    }
}
