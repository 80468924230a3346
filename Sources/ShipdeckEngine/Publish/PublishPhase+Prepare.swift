import Foundation

extension PublishPhase {
    /// Checks everything that can be checked before anything is uploaded — the config, the token
    /// variable, the folder verifying, the notes, and (unless a dry run) that the token may see the
    /// repository — and plans the units. Throws a `ShipdeckError` saying what and how to fix it.
    package func prepare() throws -> PublishPlan {
        do {
            return try prepareUnits()
        } catch {
            throw redacted(error)  // a server's words may echo a token
        }
    }

    private func prepareUnits() throws -> PublishPlan {
        guard let publish = config.publish, !publish.isEmpty else {
            throw ShipdeckError(
                .config, "\(config.path ?? "shipdeck.yml") has no publish section: nothing to publish to",
                hint: "add\n    publish:\n      github: { repository: owner/name, token_env: GITHUB_TOKEN }\n"
                    + "(or registry:, homebrew:, scoop:; see the README's publishing sections)")
        }
        let github = publish.github
        let dist = options.dist
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dist.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ShipdeckError(.dist, "\(dist.path) is not a folder", hint: "pass the dist folder of a finished release")
        }
        // 0. Only a release that finished and succeeded is published (`release --publish` knows it did).
        let journal = ReleaseJournalStatus.read(dist: dist)
        if !options.releaseSucceeded, let problem = journal.problem { throw problem }
        if let asked = options.version, let recorded = journal.header?.plan.version, asked != recorded {
            throw ShipdeckError(
                .usage,
                "--version \(UntrustedText.escape(asked)) is not the version of the release in \(dist.path): "
                    + "its journal records \(UntrustedText.escape(recorded)), so nothing was published",
                hint: "pass --version \(UntrustedText.escape(recorded)) (or leave --version out), "
                    + "or publish the folder of the release of \(UntrustedText.escape(asked))")
        }
        var token: SecretValue?
        do {
            token = try github.map {
                try SecretValue.fromEnvironment($0.tokenEnv, options.environment, purpose: "publish.github.token_env")
            }
        } catch where options.dryRun {
            token = nil
        }

        // 1. Verify, as `shipdeck verify` would, before anything leaves the machine.
        let started = Date()
        var verifier = ReleaseVerifier(dist: dist, keys: verifyKeys(), environment: options.environment)
        verifier.checksumsName = config.checksumName
        verifier.allowUnsigned = options.allowUnsigned ?? config.signers.isEmpty
        let report = try verifier.verify()
        guard report.isOK else {
            let problems = report.problems.map { "\($0.status.rawValue) \($0.file)" + ($0.detail.map { " (\($0))" } ?? "") }
            throw ShipdeckError(
                .verify,
                report.lines.isEmpty
                    ? "\(dist.path) holds no release (no checksums.txt, no artifacts.json): nothing was published"
                    : "\(dist.path) does not verify, so nothing was published: " + problems.prefix(5).joined(separator: "; ")
                        + (problems.count > 5 ? "; and \(problems.count - 5) more" : ""),
                hint: "run `shipdeck verify \(dist.path)` for every line; rebuild the release, or pass the package keys"
                    + " (--minisign-key, --pubkey, …) when signatures are SKIPPED/UNSIGNED")
        }
        let verifySeconds = Date().timeIntervalSince(started)

        // 2. What is released.
        let manifestURL = dist.appendingPathComponent(ArtifactsManifest.fileName)
        let manifest = try ArtifactsManifest.decode(FileManager.default.contents(atPath: manifestURL.path) ?? Data())
        let assets = try PublishAsset.assets(in: dist, manifest: manifest)
        let header = journal.header
        guard let version = options.version ?? header?.plan.version else {
            throw ShipdeckError(
                .dist, "cannot tell the version of the release in \(dist.path) (no journal)",
                hint: "pass --version X.Y.Z")
        }
        let project = header?.plan.project ?? config.project ?? "release"

        // 3. Release notes: --release-notes, else the changelog the release wrote.
        var notes: String?
        var notesSource: String?
        let notesURL = options.releaseNotes ?? {
            let changelog = dist.appendingPathComponent("CHANGELOG.md")
            return FileManager.default.fileExists(atPath: changelog.path) ? changelog : nil
        }()
        if let notesURL {
            guard let text = try? String(contentsOf: notesURL, encoding: .utf8) else {
                throw ShipdeckError(
                    .usage, "cannot read the release notes \(notesURL.path)", hint: "pass a readable UTF-8 file")
            }
            guard text.count <= 125_000 else {
                throw ShipdeckError(
                    .usage, "the release notes \(notesURL.path) are \(text.count) characters; GitHub takes 125000")
            }
            notes = text
            notesSource = notesURL.path
        }

        if let github, let problem = GitRefName.problem(github.tagName(version: version)) {
            throw ShipdeckError(
                .config,
                "publish.github.tag '\(UntrustedText.escape(github.tag))' gives "
                    + "'\(UntrustedText.escape(github.tagName(version: version)))' for version "
                    + "\(UntrustedText.escape(version)), which is not a git tag name: \(problem), "
                    + "so nothing was published",
                hint: "fix publish.github.tag, or the version (--version)")
        }
        var plan = PublishPlan(
            github: github, token: token, project: project, version: version,
            tag: github?.tagName(version: version) ?? "v\(version)",
            notes: notes, notesSource: notesSource, prerelease: github?.isPrerelease(version: version) ?? false,
            assets: github == nil ? [] : assets,
            verifiedFiles: report.lines.filter { $0.status == .ok }.count, verifySeconds: verifySeconds)

        // 4. The first request: a wrong token, a missing repository or an unreachable host ends here.
        if !options.dryRun, let token {
            try client(plan, token: token).checkAccess()
        }
        // 5. Registry, Homebrew, Scoop: planned and checked (the registry's first request) now too.
        plan.targets = try prepareTargets(
            github: github, project: project, version: version, tag: plan.tag, manifest: manifest, assets: assets)
        return plan
    }

    /// The package keys to check signatures with: those given, else the ones the config's signers name.
    func verifyKeys() -> VerifyKeys {
        var keys = options.keys
        for signer in config.signers {
            switch signer.kind {
            case .minisign where keys.minisign == nil:
                keys.minisign = signer.publicKey ?? signer.key.map { Self.replacingExtension($0, with: ".pub") }
            case .native where keys.native == nil:
                keys.native = signer.publicKey ?? signer.key.map { Self.replacingExtension($0, with: ".pub") }
            case .gpg where keys.gpgHome == nil && keys.gpgKeyring == nil:
                keys.gpgHome = signer.gnupgHome
            default:
                break
            }
        }
        if let path = keys.minisign, !FileManager.default.fileExists(atPath: path) { keys.minisign = nil }
        if let path = keys.native, !FileManager.default.fileExists(atPath: path) { keys.native = nil }
        return keys
    }

    static func replacingExtension(_ path: String, with suffix: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.pathExtension.isEmpty ? path + suffix : url.deletingPathExtension().path + suffix
    }
}

extension PublishPhase {
    /// For `release --publish`: the checks that need no dist/ yet — a publish section and its token
    /// variable — so a release is not built only to fail at publishing.
    package static func checkBeforeRelease(
        config: ShipdeckConfig, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        guard let publish = config.publish, !publish.isEmpty else {
            throw ShipdeckError(
                .config, "--publish: \(config.path ?? "shipdeck.yml") has no publish section",
                hint: "add\n    publish:\n      github: { repository: owner/name, token_env: GITHUB_TOKEN }\n"
                    + "(or registry:, homebrew:, scoop:)")
        }
        if let github = publish.github {
            _ = try SecretValue.fromEnvironment(github.tokenEnv, environment, purpose: "publish.github.token_env")
        }
        try checkTargetsBeforeRelease(config: config, environment: environment)  // PublishPhase+Targets
    }
}
