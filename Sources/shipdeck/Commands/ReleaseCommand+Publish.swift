import Foundation
import ShipdeckEngine

extension ReleaseCommand {
    /// `release --publish` without the dashboard: the publish phase over the dist/ just written,
    /// with lines (or JSON), after the release.
    static func publishAfterRelease(plan: BuildPlan, json: Bool) -> Int32 {
        let hub = EventHub()
        hub.add(json ? JSONEventPrinter() : PublishLinesReporter())
        let phase = PublishPhase(
            config: plan.config, options: publishOptions(plan), hub: hub, dryRunOutput: { emitLine(UntrustedText.escape($0)) })
        // The release's own trap is gone by now: a signal stops the publish as it stops `shipdeck publish`.
        let signals = PublishCommand.trapSignals(phase: phase, hub: hub, json: json)
        defer { signals.release() }
        let publishPlan: PublishPlan
        do {
            publishPlan = try phase.prepare()
        } catch {
            if let signal = signals.received { return 128 + signal }
            if json { JSONEventPrinter().printError(error) }
            return ExitStatus.report(error)
        }
        let outcome = phase.run(publishPlan)
        hub.flush()
        if let signal = signals.received { return 128 + signal }
        return outcome == .succeeded ? ExitStatus.succeeded : ExitStatus.failed
    }

    static func publishOptions(_ plan: BuildPlan) -> PublishOptions {
        var options = PublishOptions(dist: plan.distDirectory)
        options.version = plan.info.version
        options.releaseSucceeded = true
        return options
    }

    /// `release --publish` in the dashboard: the publish starts once the release has succeeded and
    /// sends its events to the release's hub, so the Publish pane shows them while the dashboard
    /// stays open; `r` there retries a unit.
    /// A release whose journal failed is not published (its last write may have failed after the
    /// engine decided the outcome).
    static func dashboardPublishing(
        plan: BuildPlan, engine: ReleaseEngine, journal: JournalWriter
    ) -> DashboardPublishing {
        let phase = PublishPhase(config: plan.config, options: publishOptions(plan), hub: engine.hub)
        let runner = PublishRunner(phase: phase)
        runner.start {
            let outcome = engine.waitUntilFinished()
            return journal.error == nil ? outcome : .failed
        }
        return DashboardPublishing(runner: runner, commands: PublishingCommands(engine: engine, runner: runner))
    }
}

struct DashboardPublishing {
    let runner: PublishRunner
    let commands: PublishingCommands

    /// After the dashboard closed: stops what the user left running, waits for it, prints the
    /// publish's summary. Returns the exit code (the dashboard's, 1 when the publish did not
    /// succeed) and whether the publish ran here (false: the release did not succeed at first,
    /// so the caller may still publish after a retried release).
    func finish(dashboardCode: Int32) -> (Int32, Bool) {
        runner.cancel()
        guard let outcome = runner.wait() else { return (dashboardCode, false) }
        let state = commands.engine.hub.snapshot()
        emitLine(PublishLinesReporter.summary(state.publish, outcome: outcome, seconds: nil))
        for unit in state.publish.failed {
            let words = (unit.detail ?? "").split(separator: "\n").map { UntrustedText.escape($0.trimmingCharacters(in: .whitespaces)) }
            emitLine("  \(UntrustedText.escape(unit.info.title)) FAILED: \(words.joined(separator: " — "))")
        }
        return (outcome == .succeeded ? dashboardCode : max(dashboardCode, ExitStatus.failed), true)
    }
}

/// The dashboard's commands for `release --publish`: cells go to the engine, publish units to the
/// runner.
final class PublishingCommands: ReleaseCommands {
    let engine: ReleaseEngine
    let runner: PublishRunner

    init(engine: ReleaseEngine, runner: PublishRunner) {
        self.engine = engine
        self.runner = runner
    }

    func retry(cell: String) -> Bool { engine.retry(cell: cell) }
    func retryFailed() -> Int { engine.retryFailed() }
    func cancel(cell: String) -> Bool { engine.cancel(cell: cell) }
    func cancelAll() { engine.cancelAll() }
    func retryPublish(unit: String) -> Bool { runner.retry(unit: unit) }
    func publishRetryRefusal(unit: String) -> String? { runner.retryRefusal(unit: unit) }
    func cancelPublish() { runner.cancel() }
}
