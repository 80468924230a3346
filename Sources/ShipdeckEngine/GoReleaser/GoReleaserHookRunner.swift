import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Turns a planned hook into a `ProcessSpec`, and runs `before.hooks` once per release.
enum GoReleaserHookRunner {
    /// A command with a `/` is relative to the hook's directory (as Go's exec resolves it); others are looked up on PATH.
    static func spec(_ arguments: [String], hook: GoReleaserHookPlan, environment: [String: String], directory: URL) throws
        -> ProcessSpec
    {
        let command = arguments[0]
        let executable: String?
        if command.hasPrefix("/") {
            executable = command
        } else if command.contains("/") {
            executable = directory.appendingPathComponent(command).standardizedFileURL.path
        } else {
            executable = ProcessRunner.which(command, path: environment["PATH"])
        }
        guard let executable else {
            throw ShipdeckError(
                .process, "\(hook.origin): \(UntrustedText.escape(command)) is not on PATH",
                hint: "install it, or remove the hook from the GoReleaser config")
        }
        return ProcessSpec(
            executable: executable, arguments: Array(arguments.dropFirst()), environment: environment,
            workingDirectory: directory.path)
    }

    /// Runs `before.hooks` in order through the engine's runner, their output to
    /// `dist/logs/before-hooks.log`, between `before-hooks` step events; throws when one fails
    /// (nothing has been built then).
    static func runBefore(_ plan: BuildPlan, dist: DistFolder, hub: EventHub, runner: any CommandRunner) throws {
        guard let hooks = plan.goreleaser?.beforeHooks, !hooks.isEmpty else { return }
        hub.emit(.stepStarted(step: .hooks))
        let start = Date()
        let logURL = dist.logsURL.appendingPathComponent("before-hooks.log")
        let log = open(logURL.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { if log >= 0 { close(log) } }
        func note(_ text: String) { _ = text.withCString { write(log, $0, strlen($0)) } }
        let environment = PlanBuilder.baseEnvironment(ProcessInfo.processInfo.environment)
        for hook in hooks {
            let directory = hook.directory.isEmpty
                ? plan.moduleDirectory : plan.moduleDirectory.appendingPathComponent(hook.directory)
            do {
                let spec = try spec(hook.arguments, hook: hook, environment: environment.merging(hook.environment) { $1 }, directory: directory)
                note("$ \(spec.commandLine)\n")
                let result = try runner.run(
                    Command(spec, cancellation: CancellationToken()),
                    raw: { bytes in if log >= 0 { _ = write(log, bytes.baseAddress, bytes.count) } }, lines: nil)
                guard result.succeeded else {
                    throw ShipdeckError(
                        .process, "\(plan.config.path ?? ""): \(hook.origin) failed (\(result.summary))",
                        hint: "see \(logURL.path)")
                }
            } catch {
                hub.emit(.stepFinished(step: .hooks, result: .failed, seconds: Date().timeIntervalSince(start), detail: "\(error)"))
                throw error
            }
        }
        hub.emit(.stepFinished(step: .hooks, result: .succeeded, seconds: Date().timeIntervalSince(start), detail: "\(hooks.count) hooks"))
    }
}
