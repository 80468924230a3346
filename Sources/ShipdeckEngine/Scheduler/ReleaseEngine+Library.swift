import Foundation

/// The engine as a library: plan with `PlanBuilder.plan(_:)`, start with this, observe through `hub`
/// (`EventHub.add`), command through `ReleaseCommands`, and wait with `waitUntilFinished()`.
extension ReleaseEngine {
    /// Starts a release of `plan` into its (empty) dist/ folder, `parallelism` builds at once.
    /// - Parameters:
    ///   - plan: from `PlanBuilder.plan(_:)`.
    ///   - parallelism: builds at once; the default is the number of cores.
    ///   - hub: add observers to it before starting to see every event.
    /// - Returns: the running engine.
    public static func start(
        _ plan: BuildPlan, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount, hub: EventHub = EventHub()
    ) throws -> ReleaseEngine {
        let engine = ReleaseEngine(plan: plan, options: EngineOptions(parallelism: parallelism), hub: hub)
        try engine.start()
        return engine
    }
}
