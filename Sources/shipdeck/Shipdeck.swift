import ArgumentParser
import Foundation
import ShipdeckEngine

@main
struct ShipdeckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shipdeck",
        abstract: "Build, sign and verify releases of Go modules for many platforms.",
        version: Shipdeck.version,
        subcommands: [ReleaseCommand.self, PlanCommand.self, InitCommand.self, MergeCommand.self, CICommand.self, HashCommand.self, WatchCommand.self, VerifyCommand.self, KeygenCommand.self, CheckCommand.self, PublishCommand.self],
        defaultSubcommand: nil
    )

    /// Parses, runs, and maps what a command throws to an exit status in one place (`ExitStatus`).
    static func main() {
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch where ExitStatus.isParserError(error) {
            exit(withError: error)
        } catch {
            Foundation.exit(ExitStatus.report(error))
        }
    }
}

/// Options every command that plans a release takes.
struct PlanningOptions: ParsableArguments {
    @Option(name: .customLong("dir"), help: "The Go module to release (default: the current directory).")
    var directory: String?

    @Option(name: .customLong("config"), help: "The config file (default: shipdeck.yml in the module).")
    var config: String?

    @Option(name: .customLong("go"), help: "The go binary to use (default: $GO, the config's go:, then PATH).")
    var go: String?

    @Option(name: .customLong("version"), help: "The version to release (default: the exact git tag at HEAD).")
    var releaseVersion: String?

    @Option(name: .customLong("dist"), help: "The output folder (default: dist/ in the module).")
    var dist: String?

    @Option(name: .customLong("target"), help: "Build only this target (repeatable), e.g. linux/amd64.")
    var targets: [String] = []

    @Flag(name: .customLong("snapshot"), help: "GoReleaser configs: version from snapshot.version_template.")
    var snapshot = false

    @Flag(name: .customLong("auto-snapshot"), help: "GoReleaser configs: --snapshot when the git tree is dirty.")
    var autoSnapshot = false

    func planOptions() -> PlanOptions {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let module = directory.map { URL(fileURLWithPath: $0, relativeTo: cwd) } ?? cwd
        var options = PlanOptions(
            moduleDirectory: module.standardizedFileURL,
            distDirectory: dist.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL },
            configPath: config.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL },
            goFlag: go, versionOverride: releaseVersion)
        options.only = targets
        options.snapshot = snapshot
        options.autoSnapshot = autoSnapshot
        return options
    }
}
