import ArgumentParser
import Foundation
import ShipdeckEngine

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the parts of a sharded release into one dist/, then checksum, sign and write artifacts.json.",
        discussion: """
            Each PART folder is the dist/ of one `shipdeck release --shard` run (or several, downloaded \
            into one folder). Nothing is rebuilt: every artifact is hashed against its part manifest, \
            and the parts must agree on commit, Go version, version, SOURCE_DATE_EPOCH and config and \
            together hold every planned cell exactly once. Run it in a checkout of the same commit: \
            its shipdeck.yml says what to sign and how.
            """)

    @Argument(help: "Folders holding part-*.json manifests and their artifacts.")
    var parts: [String] = []

    @Option(name: .customLong("dir"), help: "The checked-out Go module (default: the current directory).")
    var directory: String?

    @Option(name: .customLong("config"), help: "The config file (default: shipdeck.yml in the module).")
    var config: String?

    @Option(name: .customLong("dist"), help: "The merged output folder (default: dist/ in the module).")
    var dist: String?

    @Flag(name: .customLong("clean"), help: "Delete the contents of a non-empty output folder first.")
    var clean = false

    @Flag(name: .customLong("json"), help: "Print one JSON event per line.")
    var json = false

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        func url(_ path: String) -> URL { URL(fileURLWithPath: path, relativeTo: cwd).standardizedFileURL }
        let options = MergeOptions(
            partDirectories: parts.map(url), moduleDirectory: directory.map(url) ?? cwd,
            configPath: config.map(url), distDirectory: dist.map(url), existingDist: clean ? .clean : .refuse)
        let distURL = options.distDirectory ?? options.moduleDirectory.appendingPathComponent("dist")
        let distLock: DistLock = try DistLock.acquire(dist: distURL) {
            FileHandle.standardError.write(Data("shipdeck: warning: \($0)\n".utf8))
        }
        defer { distLock.release() }
        let merger = ReleaseMerger(options: options)
        let environment = ProcessInfo.processInfo.environment
        merger.hub.add(
            json ? JSONEventPrinter() : HeadlessReporter(githubActions: environment["GITHUB_ACTIONS"] == "true"))
        // The merged release has a journal like any other, so `shipdeck watch` can show it.
        let journal = JournalWriter(
            dist: options.distDirectory ?? options.moduleDirectory.appendingPathComponent("dist"))
        merger.hub.add(journal)
        let outcome: ReleaseOutcome
        do {
            outcome = try merger.run()
        } catch {
            journal.close()
            throw error
        }
        journal.close()
        distLock.release()
        if let problem = journal.error {
            // A merged release without its journal is not done: it cannot be watched or published from.
            ReleaseCommand.reportJournalFailure(problem, json: json, merge: true)
            throw ExitCode(ExitStatus.failed)
        }
        throw ExitCode(ExitStatus.of(outcome))
    }
}
