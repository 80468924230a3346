import ArgumentParser
import Foundation
import ShipdeckEngine
import ShipdeckTUI

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

struct ReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Build every target, hash and write the release into dist/.",
        discussion: """
            Opens the dashboard when stdin and stdout are terminals and TERM is usable; otherwise \
            (or with --no-tui) prints readable lines. Exits 0 only when every cell succeeded.
            """)

    @OptionGroup var planning: PlanningOptions

    @Flag(name: .customLong("no-tui"), help: "Print lines instead of opening the dashboard.")
    var noTUI = false

    @Flag(name: .customLong("json"), help: "Print one JSON event per line (implies --no-tui).")
    var json = false

    @Option(name: .customLong("theme"),
            help: "Dashboard theme: default, light, high-contrast, monochrome, or the path of a .theme file.")
    var theme: String?

    @Option(name: .customLong("color"), help: "Colour in the dashboard: auto (honours NO_COLOR), always or never.")
    var color: ColorMode = .auto

    @Flag(name: .customLong("no-mouse"), help: "Do not take mouse clicks and the wheel in the dashboard.")
    var noMouse = false

    @Flag(name: .customLong("clean"), help: "Delete the contents of a non-empty dist/ first.")
    var clean = false

    @Flag(name: .customLong("resume"),
          help: "Continue an interrupted release in dist/: keep cells whose inputs and files still match its journal.")
    var resume = false

    // `.unconditional`: `--parallelism -1` is a value to reject with a reason, not a missing one.
    @Option(name: .customLong("parallelism"), parsing: .unconditional,
            help: "Cells built at once (default: the number of cores, one more when earlier releases built every cell in under 3 s).")
    var parallelism: Int?

    @Option(name: .customLong("timeout"),
            help: "Stop the release after this long (90s, 30m, 1h30m): running cells fail, their process trees killed.")
    var timeout: String?

    @Flag(name: .customLong("verify-reproducible"),
          help: "Build every cell a second time elsewhere with an empty Go cache and compare the bytes.")
    var verifyReproducible = false

    @Flag(name: .customLong("no-cache"),
          help: "Build every cell: take no binary from the artifact cache and add none (also SHIPDECK_NO_CACHE=1).")
    var noCache = false

    @Option(name: .customLong("cache-size"),
            help: "Bound of the artifact cache in $XDG_CACHE_HOME/shipdeck/artifacts (default 2GiB, or cache.max_size); the entries used longest ago go first.")
    var cacheSize: String?

    @Option(name: .customLong("shard"),
            help: "Build only part of the release: N/M (cell i goes to shard i % M + 1) or a list of cell ids; writes dist/part-*.json for `shipdeck merge`.")
    var shard: String?

    @Flag(name: .customLong("publish"),
          help: "After a successful release, publish it as `shipdeck publish` would (the config's publish: section).")
    var publish = false

    func validate() throws {
        if publish, shard != nil { throw ValidationError("--publish and --shard exclude each other: publish after `shipdeck merge`") }
        if let parallelism, parallelism < 1 {
            throw ValidationError(
                "--parallelism \(parallelism): at least 1 cell must build at a time; give a number such as 4, "
                    + "or leave --parallelism out to build as many cells at once as there are cores")
        }
        if let timeout, DurationValue.seconds(timeout) == nil {
            throw ValidationError("--timeout \(UntrustedText.escape(timeout)) is not a duration: write it like 90s, 30m or 1h30m")
        }
        if shard != nil, !planning.targets.isEmpty { throw ValidationError("--shard and --target exclude each other") }
        if clean && resume { throw ValidationError("--clean and --resume exclude each other: --clean starts over") }
        if let cacheSize, ByteSize.bytes(cacheSize) == nil {
            throw ValidationError("--cache-size \(UntrustedText.escape(cacheSize)) is not a size: write it like 2GiB, 500MiB or 800M")
        }
        if noCache, cacheSize != nil { throw ValidationError("--no-cache and --cache-size exclude each other") }
    }

    func run() throws {
        do {
            try release()
        } catch where !ExitStatus.isParserError(error) {
            // With --json an `error` event on stdout first: a consumer of the stream learns why
            // no release follows.
            if json { JSONEventPrinter().printError(error) }
            throw error
        }
    }

    func release() throws {
        var planOptions = planning.planOptions()
        planOptions.hashSourceTree = true  // every cell's fingerprint needs it: walked once, while planning
        var plan = try PlanBuilder.plan(planOptions).sharded(shard.map(ShardSelection.init(parsing:)))
        if verifyReproducible { plan.trust.reproducible = true }
        // --publish: what can be checked before building is checked now (section, token variable).
        if publish { try PublishPhase.checkBeforeRelease(config: plan.config) }
        // dist/ is this run's until it exits: a second release, merge or resume there is refused
        // before it touches anything (--clean included).
        let distLock = try DistLock.acquire(dist: plan.distDirectory) { plan.warnings.append($0) }
        defer { distLock.release() }
        var options = EngineOptions.automatic()
        if let parallelism {
            options.parallelism = parallelism
            options.extraSlotForShortBuilds = false
        }
        options.timeout = timeout.flatMap(DurationValue.seconds)
        options.cellTimeout = plan.config.cellTimeout
        options.existingDist = clean ? .clean : (resume ? .keep : .refuse)
        let environment = ProcessInfo.processInfo.environment
        if !noCache, !["1", "true", "yes"].contains(environment["SHIPDECK_NO_CACHE"]?.lowercased() ?? "") {
            let bound = cacheSize.flatMap(ByteSize.bytes) ?? plan.config.cacheMaxBytes ?? ArtifactCache.defaultMaxBytes
            options.cache = ArtifactCache.standard(environment: environment, maxBytes: bound)
        }
        let resumed = resume ? try ResumeReport.load(plan: plan, printing: !json) : nil
        // Cells the interrupted release had and this one has not: their files leave dist/, and the
        // release says so (a warning event: in the journal, in --json, on the dashboard).
        for (cell, removed) in resumed?.removeDropped(in: plan.distDirectory) ?? [] {
            plan.warnings.append(
                "resume: \(cell) is not in this release: removed \(removed.count) of its files from dist/"
                    + (removed.isEmpty ? "" : " (\(removed.joined(separator: ", ")))"))
        }
        let engine = ReleaseEngine(plan: plan, options: options)

        // The dashboard when both ends are a terminal and TERM is usable; lines otherwise.
        var dashboardOptions = DashboardOptions(theme: theme, color: color, environment: environment, mouse: !noMouse)
        let dashboard = !json && !noTUI && Dashboard.isUsable(environment: environment)
        if dashboard || theme != nil { try Dashboard.validate(dashboardOptions) }
        if json {
            engine.hub.add(JSONEventPrinter())
        } else if !dashboard {
            engine.hub.add(HeadlessReporter(githubActions: environment["GITHUB_ACTIONS"] == "true"))
        }
        // A release whose journal cannot be written stops: it could be neither watched nor resumed,
        // and it must not count as done (nor be published).
        let journal = JournalWriter(dist: plan.distDirectory) { [weak engine] problem in
            engine?.abort("the journal cannot be written (\(problem))")
        }
        engine.hub.add(journal)
        engine.addCheckBeforeFinishing { journal.check() }
        engine.hub.add(TimelineFileWriter(dist: plan.distDirectory))
        let signals = SignalTrap { name in engine.interrupt(signal: name) }
        // The dashboard or reporter writing to a closed stdout (`| head -3`) is SIGPIPE's case too.
        StandardOutput.onClosed = { signals.deliver(SIGPIPE) }
        do {
            try engine.start(resuming: resumed?.kept ?? [:], previousAttempts: resumed?.attempts ?? [:])
        } catch {
            journal.close()
            signals.release()
            throw error
        }
        let outcome: ReleaseOutcome
        var dashboardCode: Int32?
        var publishedInDashboard = false
        if dashboard, publish {
            // The publish runs while the dashboard is open: see ReleaseCommand+Publish.swift.
            dashboardOptions.publishes = true
            let publishing = Self.dashboardPublishing(plan: plan, engine: engine, journal: journal)
            dashboardCode = Self.runDashboard(engine: engine, commands: publishing.commands, options: dashboardOptions)
            (dashboardCode, publishedInDashboard) = publishing.finish(dashboardCode: dashboardCode ?? 0)
            outcome = engine.hub.snapshot().outcome ?? .interrupted
        } else if dashboard {
            dashboardCode = Self.runDashboard(engine: engine, options: dashboardOptions)
            outcome = engine.hub.snapshot().outcome ?? .interrupted
        } else {
            outcome = engine.waitUntilFinished()
        }
        engine.hub.flush()
        journal.close()
        signals.release()
        if let problem = journal.error {
            // Whatever the outcome: nothing is published, and the status is a failure's (or a signal's).
            Self.reportJournalFailure(problem, json: json)
            distLock.release()
            if outcome == .interrupted, let signal = signals.received {
                throw ExitCode(ExitStatus.of(outcome, signal: signal))
            }
            throw ExitCode(ExitStatus.failed)
        }
        if publish, !publishedInDashboard, outcome == .succeeded, (dashboardCode ?? 0) == 0 {
            // dist/ stays locked while it is published.
            let code = Self.publishAfterRelease(plan: plan, json: json)
            distLock.release()
            throw ExitCode(code)
        }
        distLock.release()
        // Ended by a signal: 128 + its number.
        if outcome == .interrupted, let signal = signals.received { throw ExitCode(ExitStatus.of(outcome, signal: signal)) }
        throw ExitCode(dashboardCode ?? ExitStatus.of(outcome))
    }

    /// Says on stderr (and as an `error` event with --json) that the journal failed, and what to do.
    static func reportJournalFailure(_ problem: String, json: Bool, merge: Bool = false) {
        let error = ShipdeckError(
            .journal, "journal: \(problem)",
            hint: "the \(merge ? "merge" : "release") is not complete without its journal: free space in dist/ "
                + "(and leave the journal in place) and run it again"
                + (merge ? " with --clean" : "; --resume keeps the cells the journal recorded"))
        if json { JSONEventPrinter().printError(error) }
        let text = UntrustedText.escapeMultiline(error.description)
        FileHandle.standardError.write(Data("shipdeck: error: \(text)\n".utf8))
    }

    /// Runs the dashboard until the user quits (the release has ended by then) and prints the
    /// summary on the restored terminal. When ncurses cannot open the terminal, it prints lines
    /// instead, as `--no-tui` would, from then on.
    static func runDashboard(
        engine: ReleaseEngine, commands: ReleaseCommands? = nil, options: DashboardOptions
    ) -> Int32 {
        let code: Int32
        do {
            code = try Dashboard.run(hub: engine.hub, commands: commands ?? engine, options: options)
        } catch {
            let text = (error as? ShipdeckError)?.description ?? "\(error)"
            FileHandle.standardError.write(Data("shipdeck: warning: \(UntrustedText.escapeMultiline(text))\n".utf8))
            let reporter = HeadlessReporter(githubActions: false)
            engine.hub.add(reporter)
            if options.publishes { engine.hub.add(PublishLinesReporter()) }
            return ExitStatus.of(engine.waitUntilFinished())
        }
        engine.hub.flush()
        let state = engine.hub.snapshot()
        if let outcome = state.outcome {
            let seconds = (state.finishedAt ?? 0) - (state.startedAt ?? 0)
            emitLine(HeadlessReporter(githubActions: false).summary(state, outcome: outcome, seconds: seconds))
        }
        return code
    }
}

/// Turns SIGINT, SIGTERM, SIGHUP and SIGPIPE into a call with the signal's name (on a Dispatch
/// queue, never in signal context): each ends the release like Ctrl-C — every process tree
/// stopped, an `interrupted` event naming the signal, the terminal restored — and Shipdeck
/// exits 128 + the signal's number. (An ssh session dropping sends SIGHUP; a reader of
/// `--no-tui` output going away, SIGPIPE.)
final class SignalTrap: @unchecked Sendable {
    static let trapped: [(Int32, String)] = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP"), (SIGPIPE, "SIGPIPE")]
    // `lock` guards `sources` and `first`.
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []
    private var first: Int32?
    private let handler: @Sendable (String) -> Void

    init(_ handler: @escaping @Sendable (String) -> Void) {
        self.handler = handler
        for (sig, _) in Self.trapped {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.deliver(sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var received: Int32? { lock.withLock { first } }

    /// Handles `sig` as if it had arrived (SIGPIPE seen as EPIPE on stdout).
    func deliver(_ sig: Int32) {
        lock.withLock { if first == nil { first = sig } }
        handler(Self.trapped.first { $0.0 == sig }?.1 ?? "signal \(sig)")
    }

    func release() {
        let all = lock.withLock {
            defer { sources = [] }
            return sources
        }
        all.forEach { $0.cancel() }
    }
}
