import Foundation

extension PublishPhase {
    /// Runs a failed or cancelled unit again (`r` in the dashboard's Publish pane), then, when every
    /// asset is on the release, publishes it. Emits the unit's events and a new `publishFinished`.
    /// Returns nil when `id` cannot be retried now (unknown, not failed, a dry run, or `run` has not
    /// reached the server yet); call it on the thread that runs the phase, never during `run`.
    package func retry(unit id: String) -> ReleaseOutcome? {
        guard let (plan, client, journalDone) = session.preparedRun, !cancellation.isCancelled else { return nil }
        guard let result = session.result(id), result == .failed || result == .cancelled else { return nil }
        let started = Date()
        let outcome: ReleaseOutcome
        if id == PublishPlan.releaseUnit || session.release == nil {
            // Nothing was uploaded: the whole pass again (the server is asked what it already holds).
            outcome = publish(plan, client: client, journalDone: journalDone)
        } else if let release = session.release, id == PublishPlan.publishUnit {
            outcome = publishLast(plan, client: client, release: release, failures: failedAssets(plan))
        } else if let release = session.release, let asset = plan.assets.first(where: { $0.unitID == id }) {
            _ = unit(asset.unitID) { attempt in
                // The server's copy as of now: an upload cut off earlier is deleted and sent again.
                let there = try client.assets(of: release, onRetry: self.retryReporter(asset.unitID, attempt))
                    .first { $0.name == asset.name }
                return try self.send(
                    asset, to: release, existing: there, client: client, plan: plan,
                    journalSHA: journalDone[asset.unitID], attempt: attempt)
            }
            let failures = failedAssets(plan)
            if failures == 0 {
                outcome = publishLast(plan, client: client, release: release, failures: 0)
            } else {
                finish(
                    PublishPlan.publishUnit, .skipped,
                    detail: "left a draft: \(failures) asset\(failures == 1 ? "" : "s") not on the release yet")
                outcome = .failed
            }
        } else {
            return nil
        }
        hub.emit(.publishFinished(outcome: outcome, seconds: Date().timeIntervalSince(started)))
        hub.flush()
        session.journal?.close()
        return outcome
    }

    /// Assets whose unit did not end done or skipped.
    private func failedAssets(_ plan: PublishPlan) -> Int {
        plan.assets.filter { asset in
            let result = session.result(asset.unitID)
            return result != .done && result != .skipped
        }.count
    }
}

/// What a publish run leaves for `PublishPhase.retry(unit:)`: the plan and client, the release on
/// the server, each unit's attempts and last result. `lock` guards every field.
final class PublishSession: @unchecked Sendable {
    private let lock = NSLock()
    private var run: (PublishPlan, GitHubReleasesClient, [String: String])?
    private var madeRelease: GitHubRelease?
    private var attempts: [String: Int] = [:]
    private var results: [String: PublishUnitResult] = [:]
    private var openJournal: PublishJournal?

    func prepared(plan: PublishPlan, client: GitHubReleasesClient, journalDone: [String: String]) {
        lock.withLock { run = (plan, client, journalDone) }
    }

    var preparedRun: (PublishPlan, GitHubReleasesClient, [String: String])? { lock.withLock { run } }

    var release: GitHubRelease? {
        get { lock.withLock { madeRelease } }
        set { lock.withLock { madeRelease = newValue } }
    }

    var journal: PublishJournal? {
        get { lock.withLock { openJournal } }
        set { lock.withLock { openJournal = newValue } }
    }

    /// The next attempt of `id` (1 the first time), now under way.
    func startAttempt(_ id: String) -> Int {
        lock.withLock {
            attempts[id, default: 0] += 1
            results[id] = nil
            return attempts[id]!
        }
    }

    func attempt(_ id: String) -> Int { lock.withLock { attempts[id] ?? 0 } }

    func record(_ id: String, _ result: PublishUnitResult) { lock.withLock { results[id] = result } }

    func result(_ id: String) -> PublishUnitResult? { lock.withLock { results[id] } }
}
