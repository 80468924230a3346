import Foundation

/// The registry push and the Homebrew / Scoop commits of the publish phase: planned and checked
/// in `prepare()` (credentials, the layout, the registry's answer to a first authenticated
/// request, a formula that can be written), run as units around `github:publish`.
extension PublishPhase {
    // MARK: Planning (before anything is sent)

    /// Plans `publish.registry`, `publish.homebrew` and `publish.scoop`. Throws, naming the key and
    /// the fix, for anything that would fail later: a missing variable, no image layout, a formula
    /// without a macOS/Linux archive, a wrong registry password, an unreachable registry.
    func prepareTargets(
        github: GitHubPublishConfig?, project: String, version: String, tag: String, manifest: [ArtifactRecord],
        assets: [PublishAsset]
    ) throws -> PublishTargets {
        var targets = PublishTargets()
        guard let publish = config.publish else { return targets }
        let dist = options.dist

        if let registry = publish.registry {
            var credentials: RegistryCredentials?
            do {
                credentials = try registry.credentials(from: options.environment)
            } catch where options.dryRun {
                credentials = nil
                dryRunOutput("note: \((error as? ShipdeckError)?.message ?? "\(error)"); a real publish needs it")
            }
            let layout = try RegistryPushPlan.locateLayout(in: dist, image: registry.image)
            let push = try RegistryPushPlan(layout: layout, tags: registry.tags)
            targets.registry = PublishTargets.Registry(config: registry, credentials: credentials, plan: push)
            if !options.dryRun {
                // The first request: a wrong password or an unreachable registry ends here.
                try registryClient(targets.registry!).checkAccess()
            }
        }

        let header = try? JournalReader.read(dist.appendingPathComponent(JournalHeader.fileName)).header
        let binary = config.binary ?? project
        let values = ReleaseTemplateValues(
            projectName: project, version: version, tag: tag, commit: header?.plan.commit, commitTime: nil,
            sourceDateEpoch: header?.plan.sourceDateEpoch ?? 0, binary: binary, env: options.environment)
        let names = Set(assets.map(\.name))
        for case let tap? in [publish.homebrew, publish.scoop] {
            let name = tap.name ?? project.lowercased()
            let planned = PublishTargets.Tap(
                config: tap, artifacts: manifest, dist: dist, project: project, version: version, binary: binary,
                smokeArguments: config.smokeArguments, values: values, repositoryPage: github.map(Self.repositoryPage),
                file: PublishTargets.Tap.file(config: tap, name: name))
            // Rendered now with the URLs the assets will get: a formula that cannot be written fails here.
            if github == nil, tap.urlTemplate == nil {
                throw ShipdeckError(
                    .config,
                    "publish.\(tap.kind.rawValue) without publish.github: the \(tap.kind == .homebrew ? "formula" : "manifest") "
                        + "cannot point at a GitHub release's assets",
                    hint: "add publish.github, or set publish.\(tap.kind.rawValue).url_template to where the archives are published")
            }
            _ = try planned.render { record in
                guard let github else { return "" }  // url_template gives every URL
                guard tap.urlTemplate != nil || names.contains(record.name) else {
                    throw ShipdeckError(
                        .dist, "publish.\(tap.kind.rawValue): \(record.name) is not among the release's assets",
                        hint: "release again, or set publish.\(tap.kind.rawValue).url_template to where it is published")
                }
                return Self.downloadURL(github, tag: tag, name: record.name)
            }
            // git and the token variable are checked now, not after the release is public.
            let publisher = try GitPublisher(
                repository: tap.repository, workDirectory: Self.tapWork(tap), environment: options.environment)
            // The repository and its branch, too: a wrong URL fails before the GitHub release is made.
            if !options.dryRun { try publisher.checkReachable() }
            targets.taps.append(planned)
        }
        return targets
    }

    /// `https://github.com/owner/name`, or the GitHub Enterprise server's page for it.
    /// For `release --publish`: the registry's and the taps' variables, before anything is built.
    static func checkTargetsBeforeRelease(config: ShipdeckConfig, environment: [String: String]) throws {
        _ = try config.publish?.registry?.credentials(from: environment)
        for case let tap? in [config.publish?.homebrew, config.publish?.scoop] {
            if let name = tap.repository.tokenEnvironment, (environment[name] ?? "").isEmpty {
                throw ShipdeckError(
                    .config, "\(tap.repository.key): token_env names \(name), which is not set",
                    hint: "export \(name) with a token that may push to \(tap.repository.displayURL)")
            }
        }
    }

    static func repositoryPage(_ github: GitHubPublishConfig) -> String {
        "\(webBase(github))/\(github.repository)"
    }

    static func webBase(_ github: GitHubPublishConfig) -> String {
        guard let host = github.apiURL.host?.lowercased(), host != "api.github.com" else { return "https://github.com" }
        let scheme = github.apiURL.scheme ?? "https"
        return "\(scheme)://\(host)\(github.apiURL.port.map { ":\($0)" } ?? "")"
    }

    /// GitHub's download URL of a release asset, when the server does not say (its
    /// `browser_download_url` is used when it does).
    static func downloadURL(_ github: GitHubPublishConfig, tag: String, name: String) -> String {
        "\(repositoryPage(github))/releases/download/\(GitHubReleasesClient.pathSegment(tag))/\(GitHubReleasesClient.pathSegment(name))"
    }

    static func tapWork(_ tap: TapConfig) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "shipdeck-\(tap.kind.rawValue)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))",
            isDirectory: true)
    }

    func registryClient(_ registry: PublishTargets.Registry) -> RegistryClient {
        RegistryClient(
            config: registry.config, credentials: registry.credentials, transport: sharedTransport, retry: options.retry)
    }

    // MARK: Running

    /// The image push, one unit per blob, manifest, index and tag, in the plan's order. After a
    /// failed step the rest are not run (a manifest needs its blobs). A step this phase already
    /// finished (done, or skipped because the registry held it) is not run again, so a retry
    /// (`retry(unit:)`) goes on from the step that failed. Returns how many failed.
    func pushImages(_ plan: PublishPlan) -> Int {
        guard let registry = plan.targets.registry else { return 0 }
        let pusher = RegistryPusher(client: registryClient(registry), plan: registry.plan)
        var failed: String?
        for step in registry.plan.steps {
            let id = PublishTargets.Registry.unitID(step)
            if Self.finished(session.result(id)) { continue }
            if let failed {
                finish(id, .cancelled, detail: "not run: \(failed) failed")
                continue
            }
            let result: Bool? = unit(id) { attempt in try self.push(step, id: id, pusher: pusher, attempt: attempt) }
            if result == nil { failed = "\(step.kind.rawValue) \(step.digest.prefix(19))" }
        }
        return failed == nil ? 0 : 1
    }

    private func push(
        _ step: RegistryPushPlan.Step, id: String, pusher: RegistryPusher, attempt: Int
    ) throws -> (Bool, String, PublishUnitResult) {
        let progress = ProgressThrottle(hub: hub, unit: id, attempt: attempt, total: step.size)
        let report: (@Sendable (Int64) -> Void)?
        if step.kind == .blob { report = { progress.report($0) } } else { report = nil }
        let outcome = try pusher.run(step, progress: report, onRetry: retryReporter(id, attempt))
        return (outcome.sent, outcome.detail, outcome.sent ? .done : .skipped)
    }

    /// The formula and manifest, once the release is public: rendered with the published assets'
    /// URLs, committed and pushed. With `--resume`, a unit the journal finished is skipped when the
    /// tap holds exactly that file; otherwise the publisher commits only a change.
    ///
    /// Runs the taps not finished yet (a retry runs those that failed or were cancelled), or only
    /// `only`.
    func publishTaps(
        _ plan: PublishPlan, client: GitHubReleasesClient?, after outcome: ReleaseOutcome, journalDone: [String: String],
        only: String? = nil
    ) -> ReleaseOutcome {
        let taps = plan.targets.taps
        guard !taps.isEmpty else { return outcome }
        let pending = taps.filter { !Self.finished(session.result($0.unitID)) && (only == nil || $0.unitID == only) }
        guard outcome == .succeeded else {
            let why = plan.github == nil ? "the image push failed" : "the release was not published"
            for tap in pending { finish(tap.unitID, .cancelled, detail: "not run: \(why)") }
            return outcome
        }
        if plan.github?.draft == true {
            for tap in pending {
                finish(tap.unitID, .skipped, detail: "the release is left a draft (publish.github.draft): its assets cannot be downloaded yet")
            }
            return outcome
        }
        // The URLs the server gives the published assets.
        var urls: [String: String] = [:]
        var lookupError: String?
        do {
            if let client, let release = try client.findRelease(tag: plan.tag) {
                for asset in try client.assets(of: release) { urls[asset.name] = asset.browserDownloadURL }
            }
        } catch {
            lookupError = (error as? ShipdeckError)?.description ?? "\(error)"
        }
        var failures = 0
        for tap in pending {
            let ok = unit(tap.unitID) { _ -> (Void, String, PublishUnitResult) in
                if let lookupError { throw ShipdeckError(.publish, "cannot read the published assets' URLs: \(lookupError)") }
                let data = try tap.render { record in
                    // Without publish.github, url_template gives every URL (checked in prepare()).
                    urls[record.name] ?? plan.github.map { Self.downloadURL($0, tag: plan.tag, name: record.name) } ?? ""
                }
                let publisher = try GitPublisher(
                    repository: tap.config.repository, workDirectory: Self.tapWork(tap.config), environment: self.options.environment)
                let files = [tap.file: data]
                if journalDone[tap.unitID] != nil, try publisher.isComplete(files: files) {
                    return ((), "already in \(tap.config.repository.displayURL) (the journal and the repository agree)", .skipped)
                }
                let message = tap.config.commitMessage(name: tap.config.name ?? plan.project.lowercased(), version: plan.version)
                switch try publisher.publish(files: files, message: message) {
                case .pushed(let commit, let retries):
                    let raced = retries > 0 ? " after \(retries) rejected push\(retries == 1 ? "" : "es") (rebased)" : ""
                    return ((), "pushed \(commit.prefix(12)) \"\(message)\"\(raced)", .done)
                case .unchanged(let commit):
                    return ((), "unchanged: \(tap.file) at \(commit.prefix(12)) already has this content", .skipped)
                }
            } != nil
            if !ok { failures += 1 }
        }
        // A tap that is still not finished (this run's, or one a retry of another left) fails the publish.
        let unfinished = taps.contains { !Self.finished(session.result($0.unitID)) }
        return unfinished && outcome == .succeeded ? .failed : outcome
    }

    /// A unit that ended done, or skipped because there was nothing to do.
    static func finished(_ result: PublishUnitResult?) -> Bool { result == .done || result == .skipped }

    // MARK: Dry run

    /// Prints what the image push would send (before the release is published).
    func dryRunImages(_ plan: PublishPlan) {
        guard let registry = plan.targets.registry else { return }
        let pusher = RegistryPusher(client: registryClient(registry), plan: registry.plan)
        let auth = registry.config.usernameEnvironment.map { "\n  (as $\($0), password from $\(registry.config.passwordEnvironment ?? "?"); Basic or a Bearer token from the registry's realm)" } ?? ""
        dryRunOutput("GET \(HTTPRequest.display(registry.config.repository.versionCheckURL(insecure: registry.config.insecure)))\(auth)")
        for step in registry.plan.steps {
            for line in pusher.describe(step) { dryRunOutput(line) }
            finish(PublishTargets.Registry.unitID(step), .skipped, detail: "dry run")
        }
    }

    /// Prints the git commands the formula and manifest would make (after the release is published).
    func dryRunTaps(_ plan: PublishPlan) {
        for tap in plan.targets.taps {
            let repo = tap.config.repository
            let message = tap.config.commitMessage(name: tap.config.name ?? plan.project.lowercased(), version: plan.version)
            let urls = tap.artifacts.filter { $0.kind == .archive }.map { record in
                plan.github.map { Self.downloadURL($0, tag: plan.tag, name: record.name) }
                    ?? "\(record.name) at url_template's URL"
            }
            // One command a line.
            for line in [
                "git ls-remote --heads -- \(repo.displayURL)  (before anything is published)",
                "git clone --quiet --no-tags\(repo.branch.map { " --branch \($0)" } ?? "") -- "
                    + "\(repo.displayURL) <temp>",
                "write \(tap.file) (URLs of the published assets, as the server names them; like: "
                    + urls.joined(separator: ", ") + ")",
                "git add -- \(tap.file)", "git commit -m \"\(message)\"",
                "git push --porcelain origin HEAD:refs/heads/\(repo.branch ?? "<default branch>")  "
                    + "(rejected: fetch, rebase, push again)",
            ] {
                dryRunOutput(line)
            }
            finish(tap.unitID, .skipped, detail: "dry run")
        }
    }
}
