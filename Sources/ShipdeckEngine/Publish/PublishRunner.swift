import Foundation

/// `release --publish` under the dashboard: the publish phase runs on its own serial queue once the
/// release has succeeded, while the dashboard stays open and shows its events (they go to the
/// release's hub); `retry(unit:)` (`r` in the Publish pane) and `cancel()` (quitting) reach it
/// from the dashboard's thread. A check that fails before anything is uploaded (token, repository,
/// a dist/ that does not verify) is shown as a failed "check before publishing" unit.
package final class PublishRunner: @unchecked Sendable {
    package static let checkUnit = PublishPlan.verifyUnit

    private let phase: PublishPhase
    private let queue = DispatchQueue(label: "shipdeck.publish")
    /// `lock` guards `finalOutcome`, `prepared` and `started`.
    private let lock = NSLock()
    private var finalOutcome: ReleaseOutcome?
    private var prepared = false
    private var started = false

    package init(phase: PublishPhase) { self.phase = phase }

    /// Waits (on the publish queue) for `releaseOutcome` to say the release ended, then publishes
    /// when it succeeded.
    package func start(after releaseOutcome: @escaping @Sendable () -> ReleaseOutcome) {
        queue.async { [self] in
            guard releaseOutcome() == .succeeded, !phase.cancellation.isCancelled else { return }
            lock.withLock { started = true }
            runOnce()
        }
    }

    private func runOnce() {
        let hub = phase.hub
        let plan: PublishPlan
        do {
            plan = try phase.prepare()
        } catch {
            let text = (error as? ShipdeckError)?.description ?? "\(error)"
            hub.emit(.publishStarted(
                units: [PublishUnitInfo(id: Self.checkUnit, target: "verify", title: "check before publishing")],
                dryRun: false))
            hub.emit(.publishUnit(unit: Self.checkUnit, attempt: 1, phase: .started))
            hub.emit(.publishUnit(
                unit: Self.checkUnit, attempt: 1, phase: .finished(result: .failed, seconds: 0, detail: text)))
            hub.emit(.publishFinished(outcome: .failed, seconds: 0))
            lock.withLock { finalOutcome = .failed }
            return
        }
        lock.withLock { prepared = true }
        let outcome = phase.run(plan)
        lock.withLock { finalOutcome = outcome }
    }

    /// Queues a retry of unit `id`; false when it cannot be retried now (see
    /// `PublishPhase.retryRefusal(unit:)`; the check before publishing fails the same way until the
    /// environment changes, so it is not retried from here).
    @discardableResult
    package func retry(unit id: String) -> Bool {
        guard retryRefusal(unit: id) == nil else { return false }
        queue.async { [self] in
            if let outcome = phase.retry(unit: id) { lock.withLock { finalOutcome = outcome } }
        }
        return true
    }

    /// Why `retry(unit:)` would refuse `id` now; nil when it would queue it.
    package func retryRefusal(unit id: String) -> String? {
        let (ready, checked) = lock.withLock { (prepared && finalOutcome != nil, prepared) }
        if phase.cancellation.isCancelled { return "the publish was cancelled" }
        if !ready {
            return checked || lock.withLock({ finalOutcome == nil })
                ? "the publish is still running"
                : "the check before publishing fails until its cause is fixed; then run `shipdeck publish --resume`"
        }
        return phase.retryRefusal(unit: id)
    }

    /// Stops the upload under way; units not yet run end cancelled and the release stays a draft.
    package func cancel() { phase.cancellation.cancel() }

    /// Waits for the work queued so far and returns how the publish ended: nil when it never
    /// started (the release did not succeed, or it was cancelled first).
    package func wait() -> ReleaseOutcome? {
        queue.sync {}
        return lock.withLock { started ? (finalOutcome ?? .cancelled) : nil }
    }
}
