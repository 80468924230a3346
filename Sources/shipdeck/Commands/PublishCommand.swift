import ArgumentParser
import Foundation
import ShipdeckEngine

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a finished release folder: GitHub release (draft first), every asset, then publish it.",
        discussion: """
            Verifies the folder first (hashes, signatures, as `shipdeck verify` does): a folder that \
            does not verify is never published. Then finds or creates the release for the tag as a \
            draft, uploads every asset (skipping those already there with the same size and SHA-256), \
            and publishes the release last. The token is read from the variable publish.github.token_env \
            names. Each upload is retried on connection errors, 5xx and rate limits. Exit status: 0 \
            published, 1 a unit failed (the release stays a draft; run again with --resume), 2 bad input.
            """)

    @Argument(help: "The release folder (default: dist in the module).")
    var dist: String?

    @Option(name: .customLong("dir"), help: "The module whose shipdeck.yml has the publish: section (default: .).")
    var directory: String?

    @Option(name: .customLong("config"), help: "The config file (default: shipdeck.yml in the module).")
    var config: String?

    @Flag(name: .customLong("resume"), help: "Continue an interrupted publish: skip what the journal and the server agree is complete.")
    var resume = false

    @Flag(name: .customLong("dry-run"), help: "Print every request it would make; send nothing.")
    var dryRun = false

    @Option(name: .customLong("release-notes"), help: "Release notes file (default: CHANGELOG.md in the folder, if any).")
    var releaseNotes: String?

    @Option(name: .customLong("version"), help: "The version (default: the one the release's journal records).")
    var releaseVersion: String?

    @Flag(name: .customLong("json"), help: "Print the engine's events as JSON lines.")
    var json = false

    @Flag(name: .customLong("no-tui"), help: "Print lines (publish always prints lines; accepted for symmetry).")
    var noTUI = false

    @Option(name: .customLong("minisign-key"), help: "minisign public key to verify with.")
    var minisignKey: String?

    @Option(name: .customLong("pubkey"), help: "PEM P-256 public key to verify native signatures with.")
    var pubkey: String?

    @Option(name: .customLong("gpg-keyring"), help: "A gpg public key export to verify with.")
    var gpgKeyring: String?

    @Flag(name: .customLong("allow-unsigned"), help: "Publish files no verified signature covers.")
    var allowUnsigned = false

    func run() throws {
        do {
            try publish()
        } catch where !ExitStatus.isParserError(error) {
            // With --json an `error` event on stdout first: a consumer of the stream learns why
            // nothing was published.
            if json { JSONEventPrinter().printError(error) }
            throw error
        }
    }

    func publish() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let module = (directory.map { URL(fileURLWithPath: $0, relativeTo: cwd) } ?? cwd).standardizedFileURL
        let distURL = (dist.map { URL(fileURLWithPath: $0, relativeTo: cwd) } ?? module.appendingPathComponent("dist"))
            .standardizedFileURL
        let configURL = config.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
            ?? ConfigReader.locate(in: module)
        guard let configURL else {
            throw ShipdeckError(
                .config, "no shipdeck.yml in \(module.path): the publish: section says where to publish",
                hint: "pass --dir MODULE or --config FILE")
        }
        let loaded = try ConfigReader.load(configURL)
        var options = PublishOptions(dist: distURL)
        options.resume = resume
        options.dryRun = dryRun
        options.releaseNotes = releaseNotes.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
        options.version = releaseVersion
        options.keys.minisign = minisignKey
        options.keys.native = pubkey
        options.keys.gpgKeyring = gpgKeyring
        if allowUnsigned { options.allowUnsigned = true }

        let hub = EventHub()
        if json {
            hub.add(JSONEventPrinter())
        } else {
            hub.add(PublishLinesReporter())
        }
        // dist/ is this publish's while it runs: a release, merge or second publish there is refused.
        var distLock: DistLock?
        var isDirectory: ObjCBool = false
        if !dryRun, FileManager.default.fileExists(atPath: distURL.path, isDirectory: &isDirectory), isDirectory.boolValue {
            distLock = try DistLock.acquire(dist: distURL) {
                FileHandle.standardError.write(Data("shipdeck: warning: \(UntrustedText.escape($0))\n".utf8))
            }
        }
        defer { distLock?.release() }
        let phase = PublishPhase(config: loaded, options: options, hub: hub, dryRunOutput: { emitLine(UntrustedText.escape($0)) })
        // SIGINT, SIGTERM, SIGHUP: the upload under way stops, the units left end cancelled and the
        // release stays a draft; then 128 + the signal's number.
        let signals = Self.trapSignals(phase: phase, hub: hub, json: json)
        defer { signals.release() }
        let plan: PublishPlan
        do {
            plan = try phase.prepare()
        } catch {
            if let signal = signals.received { throw ExitCode(128 + signal) }
            throw error
        }
        if !json {
            emitLine(
                "shipdeck: publishing \(UntrustedText.escape(plan.project)) \(UntrustedText.escape(plan.version)) to "
                    + (plan.github.map { "\(UntrustedText.escape($0.repository)) as \(UntrustedText.escape(plan.tag)): \(plan.assets.count) assets" }
                        ?? [plan.targets.registry.map { "\(UntrustedText.escape($0.config.repository.description))" }, plan.targets.taps.isEmpty ? nil : "\(plan.targets.taps.count) tap\(plan.targets.taps.count == 1 ? "" : "s")"].compactMap { $0 }.joined(separator: " and "))
                    + (dryRun ? " (dry run)" : ""))
        }
        let outcome = phase.run(plan)
        hub.flush()
        if let signal = signals.received { throw ExitCode(128 + signal) }
        if outcome != .succeeded { throw ExitCode(ExitStatus.failed) }
    }

    /// A publish stopped by a signal: cancelled (not killed), so it ends as a draft with its units
    /// accounted for, and says so once.
    static func trapSignals(phase: PublishPhase, hub: EventHub, json: Bool) -> SignalTrap {
        SignalTrap { name in
            guard !phase.cancellation.isCancelled else { return }
            if !json {
                FileHandle.standardError.write(
                    Data("shipdeck: \(name): stopping the publish; a release not yet published stays a draft\n".utf8))
            }
            hub.emit(.interrupted(signal: name))
            phase.cancellation.cancel()
        }
    }
}
