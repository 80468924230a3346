import ArgumentParser
import Foundation
import ShipdeckEngine

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

    @Flag(name: .customLong("clean"), help: "Delete the contents of a non-empty dist/ first.")
    var clean = false

    @Option(name: .customLong("parallelism"), help: "Cells built at once (default: the number of cores).")
    var parallelism: Int?

    func validate() throws {
        if let parallelism, parallelism < 1 { throw ValidationError("--parallelism must be at least 1") }
    }

    func run() throws {
        let plan: BuildPlan
        do {
            plan = try PlanBuilder.plan(planning.planOptions())
        } catch {
            fail(error)
        }
        var options = EngineOptions()
        if let parallelism { options.parallelism = parallelism }
        options.existingDist = clean ? .clean : .refuse
        let engine = ReleaseEngine(plan: plan, options: options)

        let environment = ProcessInfo.processInfo.environment
        let reporter: ReleaseObserver
        if json {
            reporter = JSONEventPrinter()
        } else {
            reporter = HeadlessReporter(githubActions: environment["GITHUB_ACTIONS"] == "true")
        }
        engine.hub.add(reporter)
        let signals = SignalTrap { engine.interrupt() }
        do {
            try engine.start()
        } catch {
            fail(error)
        }
        let outcome = engine.waitUntilFinished()
        engine.hub.flush()
        signals.release()
        throw ExitCode(Self.exitCode(outcome))
    }

    static func exitCode(_ outcome: ReleaseOutcome) -> Int32 {
        switch outcome {
        case .succeeded: return 0
        case .failed, .cancelled: return 1
        case .interrupted: return 130
        }
    }
}

/// Turns SIGINT/SIGTERM into a call (on a Dispatch queue, never in signal context).
final class SignalTrap: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(_ handler: @escaping @Sendable () -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            sources.append(source)
        }
    }

    func release() {
        sources.forEach { $0.cancel() }
        sources = []
    }
}
