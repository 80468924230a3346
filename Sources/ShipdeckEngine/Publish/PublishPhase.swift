import Foundation

/// The publish phase: verify → GitHub draft release → every asset → publish the release, each a
/// unit with events (started, bytes sent, retrying, finished with the server's words), journaled in
/// `dist/shipdeck.publish.jsonl`.
///
/// Units run one at a time (GitHub asks integrators to send requests serially, which also keeps
/// secondary rate limits away). An asset that fails does not stop the others; the release is then
/// left a draft, so nobody sees it half-uploaded, and `--resume` (or a plain re-run) finishes it:
/// the server is asked what it holds before anything is sent again.
package final class PublishPhase: Sendable {
    package let config: ShipdeckConfig
    package let options: PublishOptions
    package let hub: EventHub
    /// Called with each request a dry run would send (token redacted).
    package let dryRunOutput: @Sendable (String) -> Void

    package init(
        config: ShipdeckConfig, options: PublishOptions, hub: EventHub,
        dryRunOutput: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.config = config
        self.options = options
        self.hub = hub
        self.dryRunOutput = { dryRunOutput(Self.dryRunLine($0)) }
        sharedTransport = HTTPTransport(options: options.transport)
    }

    /// AsyncHTTPClient must be shut down before it goes away, also when `prepare()` threw
    /// (shutting down twice is harmless).
    deinit { sharedTransport.shutdown() }

    /// The GitHub client of a plan that has `publish.github` (every caller checks `plan.github` first).
    func client(_ plan: PublishPlan, token: SecretValue, transport: HTTPTransport? = nil) -> GitHubReleasesClient {
        var client = GitHubReleasesClient(
            config: plan.github!, token: token, transport: transport ?? sharedTransport, retry: options.retry)
        client.cancellation = cancellation
        return client
    }

    let sharedTransport: HTTPTransport
    /// Cancels the upload under way and every unit not yet run (quitting the dashboard).
    package let cancellation = HTTPCancellation()
    /// What `retry(unit:)` needs from the run: see PublishPhase+Retry.swift.
    let session = PublishSession()

    /// Runs every unit of `plan`; returns how the publish ended. The transport stays open for
    /// `retry(unit:)` and is shut down when the phase goes away.
    package func run(_ plan: PublishPlan) -> ReleaseOutcome {
        // What an interrupted publish finished, read before this run appends to the same journal.
        let journalDone = options.resume ? PublishJournal.completedUnits(in: options.dist) : [:]
        let journal = PublishJournal(dist: options.dist)
        if !options.dryRun { hub.add(journal) }
        session.journal = journal
        defer { journal.close() }
        let started = Date()
        hub.emit(.publishStarted(units: plan.units, dryRun: options.dryRun))
        finish(PublishPlan.verifyUnit, .done, seconds: plan.verifySeconds, detail: "\(plan.verifiedFiles) files verified")

        let outcome: ReleaseOutcome
        if cancellation.isCancelled {
            // A signal while checking: nothing is created.
            for unit in plan.units.dropFirst() { finish(unit.id, .cancelled, detail: "publish cancelled") }
            outcome = .cancelled
        } else if options.dryRun {
            outcome = dryRun(plan)
        } else if plan.github == nil {
            // Images (and taps with url_template) only: no release to draft or publish.
            session.prepared(plan: plan, client: nil, journalDone: journalDone)
            let pushed: ReleaseOutcome = pushImages(plan) == 0 ? .succeeded : (cancellation.isCancelled ? .cancelled : .failed)
            session.released = pushed
            outcome = publishTaps(plan, client: nil, after: pushed, journalDone: journalDone)
        } else if let token = plan.token {
            let client = self.client(plan, token: token)
            session.prepared(plan: plan, client: client, journalDone: journalDone)
            let released = publish(plan, client: client, journalDone: journalDone)
            session.released = released
            outcome = publishTaps(plan, client: client, after: released, journalDone: journalDone)  // PublishPhase+Targets
        } else {
            outcome = .failed
        }
        hub.emit(.publishFinished(outcome: outcome, seconds: Date().timeIntervalSince(started)))
        hub.flush()
        return outcome
    }

    // MARK: Units

    func publish(
        _ plan: PublishPlan, client: GitHubReleasesClient, journalDone: [String: String]
    ) -> ReleaseOutcome {
        // The draft release.
        let made = unit(PublishPlan.releaseUnit) { attempt in
            try self.findOrCreateRelease(plan, client: client, unit: PublishPlan.releaseUnit, attempt: attempt)
        }
        guard let made else {
            for unit in plan.units.dropFirst(2) { finish(unit.id, .cancelled, detail: "the release could not be made") }
            return .failed
        }
        let (release, serverAssets) = made
        session.release = release

        // Every asset.
        var failures = 0
        for asset in plan.assets {
            if cancellation.isCancelled {
                finish(asset.unitID, .cancelled, detail: "publish cancelled")
                failures += 1
                continue
            }
            let ok = unit(asset.unitID) { attempt in
                try self.send(
                    asset, to: release, existing: serverAssets.first { $0.name == asset.name }, client: client,
                    plan: plan, journalSHA: journalDone[asset.unitID], attempt: attempt)
            } != nil
            if !ok { failures += 1 }
        }
        failures += pushImages(plan)  // images: PublishPhase+Targets
        return publishLast(plan, client: client, release: release, failures: failures)
    }

    /// Publish last, so nobody sees a half-uploaded release.
    func publishLast(
        _ plan: PublishPlan, client: GitHubReleasesClient, release: GitHubRelease, failures: Int
    ) -> ReleaseOutcome {
        if cancellation.isCancelled {
            finish(PublishPlan.publishUnit, .cancelled, detail: "publish cancelled: the release stays a draft")
            return .cancelled
        }
        if failures > 0 {
            finish(
                PublishPlan.publishUnit, .skipped,
                detail: "left a draft: \(failures) asset\(failures == 1 ? "" : "s") failed; run `shipdeck publish --resume` to finish")
            return .failed
        }
        if !release.draft {
            finish(PublishPlan.publishUnit, .skipped, detail: "already published")
            return .succeeded
        }
        if plan.github?.draft == true {
            finish(PublishPlan.publishUnit, .skipped, detail: "left a draft (publish.github.draft: true)")
            return .succeeded
        }
        let published: Void? = unit(PublishPlan.publishUnit) { attempt -> (Void, String, PublishUnitResult) in
            let done = try client.publish(release, onRetry: self.retryReporter(PublishPlan.publishUnit, attempt))
            return ((), "published \(done.tagName)" + (done.htmlURL.map { ": \($0)" } ?? ""), .done)
        }
        return published == nil ? .failed : .succeeded
    }

    func findOrCreateRelease(
        _ plan: PublishPlan, client: GitHubReleasesClient, unit: String, attempt: Int
    ) throws -> ((GitHubRelease, [GitHubAsset]), String, PublishUnitResult) {
        let onRetry = retryReporter(unit, attempt)
        if let found = try client.findRelease(tag: plan.tag, onRetry: onRetry) {
            let assets = try client.assets(of: found, onRetry: onRetry)
            let what = found.draft ? "found draft" : "found published release"
            return ((found, assets), "\(what) \(found.tagName) (\(assets.count) assets on it)", .skipped)
        }
        let created = try client.createDraft(
            tag: plan.tag, name: "\(plan.project) \(plan.version)", body: plan.notes, prerelease: plan.prerelease,
            onRetry: onRetry)
        let notes = plan.notesSource.map { ", notes from \(URL(fileURLWithPath: $0).lastPathComponent)" } ?? ""
        return ((created, []), "created draft \(created.tagName)\(notes)", .done)
    }

    /// One asset: skipped when the server has exactly it, uploaded otherwise (after deleting an
    /// incomplete upload, or a different asset when `replace_existing`).
    func send(
        _ asset: PublishAsset, to release: GitHubRelease, existing: GitHubAsset?, client: GitHubReleasesClient,
        plan: PublishPlan, journalSHA: String?, attempt: Int
    ) throws -> (Void, String, PublishUnitResult) {
        let onRetry = retryReporter(asset.unitID, attempt)
        var resent = ""
        if let existing {
            let (comparison, downloadFailure) = try check(
                existing, with: asset, journalSHA: journalSHA, client: client, onRetry: onRetry)
            switch comparison {
            case .same(let how):
                return ((), "already on the release (\(how))", .skipped)
            case .incomplete:
                try client.deleteAsset(existing, onRetry: onRetry)
            case .unverifiable where release.draft:
                // Nobody sees a draft: an asset that cannot be checked is replaced by this file's bytes.
                try client.deleteAsset(existing, onRetry: onRetry)
                resent = " (re-sent: the server reports no digest and its copy could not be downloaded: \(downloadFailure))"
            case .unverifiable:
                guard plan.github?.replaceExisting == true else {
                    throw ShipdeckError(
                        .publish,
                        "\(asset.name) is on the published release \(plan.tag) with the same size, but the server "
                            + "reports no sha256 and its copy could not be downloaded to check it: \(downloadFailure)",
                        hint: "run the publish again, check it by hand, or set publish.github.replace_existing: true to replace it")
                }
                try client.deleteAsset(existing, onRetry: onRetry)
            case .different(let what):
                guard plan.github?.replaceExisting == true else {
                    throw ShipdeckError(
                        .publish, "\(asset.name) is already on release \(plan.tag) with \(what)",
                        hint: "delete it on GitHub, or set publish.github.replace_existing: true to replace it")
                }
                try client.deleteAsset(existing, onRetry: onRetry)
            }
        }
        let started = Date()
        let progress = ProgressThrottle(hub: hub, unit: asset.unitID, attempt: attempt, total: asset.size)
        var note = ""
        var found: GitHubAsset?
        for _ in 1...2 where found == nil {
            if let uploaded = try client.upload(
                file: asset.path, size: asset.size, name: asset.name, label: asset.label, contentType: asset.contentType,
                to: release, progress: { progress.report($0) }, cancellation: cancellation, onRetry: onRetry)
            {
                found = uploaded
                break
            }
            // 422 already_exists: an earlier try reached the server. Ask what it holds: the complete asset
            // (its answer was lost), or the remains of an upload cut off mid-way (deleted, then sent again).
            guard let there = try client.assets(of: release, onRetry: onRetry).first(where: { $0.name == asset.name })
            else {
                throw ShipdeckError(.publish, "GitHub said \(asset.name) exists but does not list it")
            }
            let (comparison, downloadFailure) = try check(there, with: asset, journalSHA: nil, client: client, onRetry: onRetry)
            switch comparison {
            case .same:
                found = there
                note = " (confirmed on the server after a lost answer)"
            case .incomplete:
                try client.deleteAsset(there, onRetry: onRetry)
                note = " (after deleting an upload that was cut off)"
            case .different(let what):
                throw ShipdeckError(.publish, "\(asset.name) appeared on the release with \(what) while uploading")
            case .unverifiable:
                throw ShipdeckError(
                    .publish,
                    "\(asset.name): the answer to its upload was lost, the server reports no sha256 to confirm it, "
                        + "and its copy could not be downloaded: \(downloadFailure)",
                    hint: "run `shipdeck publish --resume` again: the draft's copy is then replaced")
            }
        }
        guard let confirmed = found else {
            throw ShipdeckError(.publish, "\(asset.name): GitHub kept answering already_exists")
        }
        // The bytes just sent are this file's: a server without digests is checked on size alone here;
        // one with digests must report this sha256. (A confirmation after a lost answer came from the
        // server above, with its digest or not at all.)
        switch Self.compare(confirmed, with: asset, journalSHA: asset.sha256) {
        case .different(let what):
            throw ShipdeckError(.publish, "after the upload the server holds \(asset.name) with \(what)")
        case .incomplete:
            throw ShipdeckError(.publish, "after the upload the server holds \(asset.name) in state \(confirmed.state)")
        case .same, .unverifiable:
            break
        }
        let seconds = Date().timeIntervalSince(started)
        return ((), "uploaded \(Self.bytes(asset.size)) in \(DurationText.format(seconds))"
            + (seconds > 0 ? " (\(Self.bytes(Int64(Double(asset.size) / seconds)))/s)" : "") + note + resent, .done)
    }

    enum Comparison: Equatable {
        case same(String)
        case incomplete
        case different(String)
        /// Complete and the same size, but the server gives no digest and no journal vouches for it.
        case unverifiable
    }

    /// `compare`, and where that cannot tell (a complete asset of the same size on a server that reports
    /// no digest), the asset's bytes downloaded and hashed. `.unverifiable`, and why, only when the
    /// download fails.
    func check(
        _ server: GitHubAsset, with local: PublishAsset, journalSHA: String?, client: GitHubReleasesClient,
        onRetry: GitHubReleasesClient.RetryObserver?
    ) throws -> (Comparison, String) {
        let comparison = Self.compare(server, with: local, journalSHA: journalSHA)
        guard comparison == .unverifiable else { return (comparison, "") }
        do {
            let copy = try client.downloadSHA256(of: server, limit: local.size, cancellation: cancellation, onRetry: onRetry)
            if copy.size != local.size {
                return (.different("\(copy.size) bytes downloaded (this release's file has \(local.size))"), "")
            }
            return copy.sha256 == local.sha256
                ? (.same("same size and sha256 of the server's copy, downloaded"), "")
                : (.different("sha256 \(copy.sha256.prefix(12))… downloaded (this release's file has \(local.sha256.prefix(12))…)"), "")
        } catch {
            if cancellation.isCancelled { throw error }  // stopped: nothing is deleted or sent
            return (.unverifiable, (error as? ShipdeckError)?.message ?? "\(error)")
        }
    }

    /// Same when the size and sha256 agree — the server's digest, or, on a server without digests,
    /// the journal of the interrupted publish (`--resume`) that uploaded exactly these bytes.
    static func compare(_ server: GitHubAsset, with local: PublishAsset, journalSHA: String?) -> Comparison {
        guard server.state == "uploaded" else { return .incomplete }
        guard server.size == local.size else {
            return .different("\(server.size) bytes (this release's file has \(local.size))")
        }
        if let sha = server.sha256 {
            return sha == local.sha256
                ? .same("same size and sha256")
                : .different("sha256 \(sha.prefix(12))… (this release's file has \(local.sha256.prefix(12))…)")
        }
        if journalSHA == local.sha256 { return .same("same size; the interrupted publish uploaded this sha256") }
        return .unverifiable
    }

    // MARK: Dry run

    /// One request of a dry run as one line: its parts (method and URL, headers, body) escaped one
    /// by one (names, tags and URLs come from files and servers) and joined with two spaces.
    static func dryRunLine(_ text: String) -> String {
        text.split(separator: "\n").map { UntrustedText.escape($0.trimmingCharacters(in: .whitespaces)) }
            .filter { !$0.isEmpty }.joined(separator: "  ")
    }

    private func dryRun(_ plan: PublishPlan) -> ReleaseOutcome {
        guard let github = plan.github else {
            dryRunImages(plan)
            dryRunTaps(plan)
            return .succeeded
        }
        let token = plan.token ?? SecretValue("", variable: github.tokenEnv)
        let client = self.client(plan, token: token)
        if plan.token == nil {
            dryRunOutput("note: $\(github.tokenEnv) is not set; a real publish needs it")
        }
        func show(_ method: String, _ url: URL, _ extra: String = "") {
            dryRunOutput(client.describe(method, url) + extra)
        }
        show("GET", client.api("releases", query: [("per_page", "1")]))
        show("GET", client.api("releases/tags/\(plan.tag)"))
        show("GET", client.api("releases", query: [("per_page", "100"), ("page", "1")]), "\n  (drafts are found in the list)")
        show("POST", client.api("releases"),
             "\n  {\"tag_name\": \"\(plan.tag)\", \"draft\": true, \"prerelease\": \(plan.prerelease)"
                + (plan.notesSource.map { ", \"body\": <\($0)>" } ?? "") + "}")
        finish(PublishPlan.releaseUnit, .skipped, detail: "dry run")
        for asset in plan.assets {
            let query = "name=\(asset.name)" + (asset.label.map { "&label=\($0)" } ?? "")
            dryRunOutput(
                "POST \(github.uploadURL.absoluteString)/repos/\(github.repository)/releases/{id}/assets?\(query)"
                    + "\n  Content-Type: \(asset.contentType)\n  Content-Length: \(asset.size)\n  (body: \(asset.path), sha256 \(asset.sha256))")
            finish(asset.unitID, .skipped, detail: "dry run")
        }
        dryRunImages(plan)  // PublishPhase+Targets
        show("PATCH", client.api("releases/{id}"), "\n  {\"draft\": false}")
        finish(PublishPlan.publishUnit, .skipped, detail: github.draft ? "dry run (would stay a draft)" : "dry run")
        dryRunTaps(plan)
        return .succeeded
    }

    // MARK: Events

    /// Runs one unit: started, then finished with its detail, or failed with the error's words.
    /// Returns the unit's value, nil when it failed.
    func unit<T>(_ id: String, _ body: (Int) throws -> (T, String, PublishUnitResult)) -> T? {
        let attempt = session.startAttempt(id)
        hub.emit(.publishUnit(unit: id, attempt: attempt, phase: .started))
        let started = Date()
        do {
            let (value, detail, result) = try body(attempt)
            finish(id, result, seconds: Date().timeIntervalSince(started), detail: detail)
            return value
        } catch {
            let text = (error as? ShipdeckError)?.description ?? "\(error)"
            finish(id, cancellation.isCancelled ? .cancelled : .failed, seconds: Date().timeIntervalSince(started), detail: text)
            return nil
        }
    }

    func finish(_ id: String, _ result: PublishUnitResult, seconds: Double = 0, detail: String?) {
        let attempt = session.finished(id, result)
        hub.emit(.publishUnit(
            unit: id, attempt: attempt,
            phase: .finished(result: result, seconds: seconds, detail: detail.map { Self.escaped(redacted($0)) })))
    }

    func retryReporter(_ id: String, _ attempt: Int) -> GitHubReleasesClient.RetryObserver {
        { [hub, self] retry in
            let seconds = Double(retry.delay.components.seconds) + Double(retry.delay.components.attoseconds) / 1e18
            hub.emit(.publishUnit(
                unit: id, attempt: attempt,
                phase: .retrying(seconds: seconds, reason: Self.escaped(self.redacted(retry.reason)))))
        }
    }

    /// The secrets the config names (the GitHub token, the taps' tokens, the registry's password),
    /// as this publish reads them: cut out of every unit's words, which may quote a server that
    /// echoed what it was sent.
    var secrets: [SecretValue] {
        let publish = config.publish
        let names = Set(
            [publish?.github?.tokenEnv, publish?.registry?.passwordEnvironment,
             publish?.homebrew?.repository.tokenEnvironment, publish?.scoop?.repository.tokenEnvironment]
                .compactMap { $0 })
        return names.sorted().compactMap { name in
            options.environment[name].map {
                SecretValue($0.trimmingCharacters(in: .whitespacesAndNewlines), variable: name)
            }
        }.sorted { $0.value.count > $1.value.count }
    }

    /// `text` with every configured secret replaced by `<redacted $VARIABLE>`.
    func redacted(_ text: String) -> String {
        secrets.reduce(text) { $1.redacting($0) }
    }

    /// `error` with every configured secret cut out of its words, and those words escaped.
    func redacted(_ error: any Error) -> any Error {
        guard var shipdeck = error as? ShipdeckError else { return error }
        shipdeck.message = Self.escaped(redacted(shipdeck.message))
        shipdeck.hint = shipdeck.hint.map { Self.escaped(redacted($0)) }
        return shipdeck
    }

    /// Each line of `text` through `UntrustedText.escape`: a unit's words hold a server's or git's
    /// (error bodies, release names), and go to the terminal, `--json` and the publish journal.
    /// Escaping twice changes nothing.
    static func escaped(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { UntrustedText.escape(String($0)) }
            .joined(separator: "\n")
    }

    static func bytes(_ count: Int64) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1024 * 1024 { return String(format: "%.1f KiB", Double(count) / 1024) }
        return String(format: "%.1f MiB", Double(count) / 1024 / 1024)
    }
}

/// At most ten progress events a second per upload, and always the last. `lock` guards `last`.
final class ProgressThrottle: @unchecked Sendable {
    let hub: EventHub
    let unit: String
    let attempt: Int
    let total: Int64
    private let lock = NSLock()
    private var last = Date.distantPast

    init(hub: EventHub, unit: String, attempt: Int, total: Int64) {
        self.hub = hub
        self.unit = unit
        self.attempt = attempt
        self.total = total
    }

    func report(_ sent: Int64) {
        let due: Bool = lock.withLock {
            let now = Date()
            guard sent >= total || now.timeIntervalSince(last) >= 0.1 else { return false }
            last = now
            return true
        }
        if due { hub.emit(.publishUnit(unit: unit, attempt: attempt, phase: .progress(sent: sent, total: total))) }
    }
}
