import Foundation

extension PublishPhase {
    /// Why unit `id` cannot be retried now, or nil when it can: it must have failed or been
    /// cancelled, the run must be over and have reached the server, and a formula or manifest
    /// needs its release published (or its images pushed) first. Safe from any thread.
    package func retryRefusal(unit id: String) -> String? {
        guard let (plan, client, _) = session.preparedRun else { return "the publish did not reach the server" }
        if cancellation.isCancelled { return "the publish was cancelled" }
        guard let result = session.result(id), result == .failed || result == .cancelled else {
            return "only a failed or cancelled unit can be retried"
        }
        if plan.targets.taps.contains(where: { $0.unitID == id }) {
            return session.released == .succeeded
                ? nil : (client == nil ? "the image push has not succeeded yet" : "the release is not published yet")
        }
        if plan.targets.registry?.plan.steps.contains(where: { PublishTargets.Registry.unitID($0) == id }) == true { return nil }
        guard client != nil else { return "unknown unit" }
        if id == PublishPlan.releaseUnit || id == PublishPlan.publishUnit || plan.assets.contains(where: { $0.unitID == id }) {
            return nil
        }
        return "unknown unit"
    }

    /// Runs a failed or cancelled unit again (`r` in the dashboard's Publish pane), then goes on
    /// as the first run would have: when every asset and image step is done the release is
    /// published, then the formula and manifest that have not been pushed are. An image step goes
    /// on from where the push stopped (the steps it cancelled run after it). Emits the units'
    /// events and a new `publishFinished`. Returns nil when `retryRefusal(unit:)` refuses; call it
    /// on the thread that runs the phase, never during `run`.
    package func retry(unit id: String) -> ReleaseOutcome? {
        guard retryRefusal(unit: id) == nil, let (plan, client, journalDone) = session.preparedRun else { return nil }
        let started = Date()
        let isTap = plan.targets.taps.contains { $0.unitID == id }
        let released: ReleaseOutcome
        if isTap {
            released = .succeeded  // retryRefusal checked that the release (or the image push) succeeded
        } else if let client {
            if id == PublishPlan.releaseUnit || session.release == nil {
                // Nothing was uploaded: the whole pass again (the server is asked what it already holds).
                released = publish(plan, client: client, journalDone: journalDone)
            } else if let release = session.release {
                if let asset = plan.assets.first(where: { $0.unitID == id }) {
                    _ = unit(asset.unitID) { attempt in
                        // The server's copy as of now: an upload cut off earlier is deleted and sent again.
                        let there = try client.assets(of: release, onRetry: self.retryReporter(asset.unitID, attempt))
                            .first { $0.name == asset.name }
                        return try self.send(
                            asset, to: release, existing: there, client: client, plan: plan,
                            journalSHA: journalDone[asset.unitID], attempt: attempt)
                    }
                } else if id != PublishPlan.publishUnit {
                    _ = pushImages(plan)  // from the failed step on
                }
                released = session.released == .succeeded
                    ? .succeeded : publishLast(plan, client: client, release: release, failures: unfinishedUploads(plan))
            } else {
                return nil
            }
        } else {
            released = pushImages(plan) == 0 ? .succeeded : (cancellation.isCancelled ? .cancelled : .failed)
        }
        session.released = released
        let outcome = publishTaps(plan, client: client, after: released, journalDone: journalDone, only: isTap ? id : nil)
        hub.emit(.publishFinished(outcome: outcome, seconds: Date().timeIntervalSince(started)))
        hub.flush()
        session.journal?.close()
        return outcome
    }

    /// Assets and image steps that did not end done or skipped: while any is left the release stays a draft.
    private func unfinishedUploads(_ plan: PublishPlan) -> Int {
        let images = plan.targets.registry?.plan.steps.map(PublishTargets.Registry.unitID) ?? []
        return (plan.assets.map(\.unitID) + images).filter { !Self.finished(session.result($0)) }.count
    }
}

/// What a publish run leaves for `PublishPhase.retry(unit:)`: the plan and client, the release on
/// the server and how it ended, each unit's attempts and last result. `lock` guards every field.
final class PublishSession: @unchecked Sendable {
    private let lock = NSLock()
    private var run: (PublishPlan, GitHubReleasesClient?, [String: String])?
    private var madeRelease: GitHubRelease?
    private var releaseOutcome: ReleaseOutcome?
    private var attempts: [String: Int] = [:]
    private var results: [String: PublishUnitResult] = [:]
    private var openJournal: PublishJournal?

    /// `client` is nil for a publish without `publish.github` (images, taps with url_template).
    func prepared(plan: PublishPlan, client: GitHubReleasesClient?, journalDone: [String: String]) {
        lock.withLock { run = (plan, client, journalDone) }
    }

    var preparedRun: (PublishPlan, GitHubReleasesClient?, [String: String])? { lock.withLock { run } }

    /// How the release (with publish.github) or the image push (without) ended last: the taps run
    /// only after it succeeded.
    var released: ReleaseOutcome? {
        get { lock.withLock { releaseOutcome } }
        set { lock.withLock { releaseOutcome = newValue } }
    }

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

    /// Records how `id`'s attempt ended; returns that attempt's number. A unit that ends without
    /// having started (cancelled, or not run because a step before it failed) counts that as its
    /// first attempt, so its retry is attempt 2: never a second "attempt 1" in the journal.
    func finished(_ id: String, _ result: PublishUnitResult) -> Int {
        lock.withLock {
            if (attempts[id] ?? 0) == 0 { attempts[id] = 1 }
            results[id] = result
            return attempts[id]!
        }
    }

    func result(_ id: String) -> PublishUnitResult? { lock.withLock { results[id] } }
}
