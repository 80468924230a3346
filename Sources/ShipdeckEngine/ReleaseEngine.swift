import Foundation

/// How the engine runs a plan.
public struct EngineOptions: Sendable {
    /// Cells that run at once.
    public var parallelism: Int
    public var existingDist: DistFolder.ExistingContents

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
    /// Bumped whenever a cell is (re)queued: release steps that started before it are stale.
    private var generation = 0
    private var interrupted = false
    private var stepsRunning = false
    private var startTime = Date()
    private let stepsQueue = DispatchQueue(label: "shipdeck.release-steps")

    public init(plan: BuildPlan, options: EngineOptions = EngineOptions(), hub: EventHub = EventHub()) {
        self.plan = plan
        self.options = options
        self.hub = hub
        self.dist = DistFolder(url: plan.distDirectory)
    }

    /// Prepares dist/ (this can throw: nothing has run yet), announces the plan and starts cells.
    public func start() throws {
        try dist.prepare(existing: options.existingDist, moduleDirectory: plan.moduleDirectory)
        startTime = Date()
        hub.emit(.releaseStarted(plan.info))
        for warning in plan.warnings { hub.emit(.warning(warning)) }
        lock.withLock {
            for cell in plan.cells {
                attempts[cell.id] = 1
                statuses[cell.id] = .queued
                pending.append(cell.id)
            }
        }
        for cell in plan.cells { hub.emit(.cellQueued(cell: cell.id, attempt: 1)) }
        schedule()
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
                guard running.count < options.parallelism, !pending.isEmpty else { return nil }
                let id = pending.removeFirst()
                let token = CancellationToken()
                running[id] = token
                statuses[id] = .running
                return (id, attempts[id] ?? 1, token)
            }
            guard let (id, attempt, token) = next, let cell = plan.cell(id) else { return }
            DispatchQueue(label: "shipdeck.cell.\(id)").async { [self] in
                let started = DispatchTime.now()
                let pipeline = CellPipeline(plan: plan, cell: cell, attempt: attempt, dist: dist, token: token, hub: hub)
                let (status, error) = pipeline.run()
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                hub.emit(.cellFinished(cell: id, attempt: attempt, status: status, seconds: seconds, error: error))
                lock.withLock {
                    running[id] = nil
                    statuses[id] = status
                }
                schedule()
                finishIfDone()
            }
        }
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
            let rerun: Bool = lock.withLock {
                stepsRunning = false
                return generation != decision.generation || !pending.isEmpty || !running.isEmpty
            }
            if rerun && !decision.interrupted {
                finishIfDone()
                return
            }
            if !rerun { dist.removeWorkFiles() }
            hub.flush()
            let state = hub.snapshot()
            let outcome: ReleaseOutcome
            if decision.interrupted {
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
