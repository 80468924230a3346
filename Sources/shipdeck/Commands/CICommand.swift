import ArgumentParser
import Foundation
import ShipdeckEngine

struct CICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ci", abstract: "Write CI configuration that runs the release as shards and merges them.",
        subcommands: [CIGitHubCommand.self])
}

struct CIGitHubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "github",
        abstract: "Write .github/workflows/release.yml: one job per shard, then a merge job.",
        discussion: """
            Each shard job runs `shipdeck release --no-tui --shard N/M` with the Go version from go.mod \
            (actions/setup-go, go-version-file) and uploads its dist/; the merge job downloads every part \
            and runs `shipdeck merge`. Shipdeck is installed in each job by building it from \
            --shipdeck-git at --shipdeck-ref with the Swift that GitHub's Ubuntu runners carry, unless \
            --install-command gives another way.
            """)

    @OptionGroup var planning: PlanningOptions

    @Option(name: .customLong("shards"), help: "Number of shard jobs (default: one per cell).")
    var shards: Int?

    @Option(
        name: .customLong("output"),
        help: "The workflow file (default: .github/workflows/release.yml at the repository root).")
    var output: String?

    @Option(
        name: .customLong("shipdeck-git"),
        help: "Git URL the workflow builds Shipdeck from (this or --install-command is required).")
    var shipdeckGit: String?

    @Option(name: .customLong("shipdeck-ref"), help: "Tag or branch of --shipdeck-git (default: this version's tag).")
    var shipdeckRef = "v\(Shipdeck.version)"

    @Option(
        name: .customLong("install-command"), help: "Shell commands that put `shipdeck` on PATH instead of building it."
    )
    var installCommand: String?

    @Flag(help: "Overwrite an existing workflow file.")
    var force = false

    func run() throws {
        guard shipdeckGit != nil || installCommand != nil else {
            throw ShipdeckError(
                .usage, "say how the workflow installs Shipdeck on the runner: there is no default repository",
                hint: "pass --shipdeck-git URL (built with the runner's Swift) or --install-command '...'")
        }
        if let dist = planning.dist {
            throw ShipdeckError(
                .usage, "--dist \(UntrustedText.escape(dist)) has no effect here: the workflow's jobs release into dist/ of the module on the runner",
                hint: "drop --dist; the workflow uploads each shard's dist/ and the merge job writes the release there")
        }
        try refuseRunnerlessOptions()
        let options = planning.planOptions()
        let plan = try PlanBuilder.plan(options, preparingSigners: false)
        let root = Self.repositoryRoot(of: plan.moduleDirectory) ?? plan.moduleDirectory
        let subdirectory = PlanText.relative(plan.moduleDirectory, to: root.standardizedFileURL)
        var workflow = try GitHubWorkflow.forPlan(
            plan, shardCount: shards ?? plan.cells.count,
            moduleSubdirectory: subdirectory == plan.moduleDirectory.path ? "" : subdirectory)
        if let config = options.configPath {
            workflow.configPath = try Self.runnerConfigPath(
                config, module: plan.moduleDirectory, root: root.standardizedFileURL)
        }
        workflow.shipdeckGit = shipdeckGit ?? ""
        workflow.shipdeckRef = shipdeckRef
        workflow.installCommand = installCommand
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let file =
            output.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
            ?? root.appendingPathComponent(GitHubWorkflow.defaultPath)
        if FileManager.default.fileExists(atPath: file.path), !force {
            throw ShipdeckError(.io, "\(file.path) already exists", hint: "pass --force to overwrite it")
        }
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(workflow.yaml.utf8).write(to: file, options: .atomic)
        print("wrote \(UntrustedText.escape(file.path)): \(workflow.shards.count) shard jobs and a merge job")
    }

    /// Options that choose what one local run builds mean nothing to the workflow, whose jobs
    /// release what the tag and the config say; silently dropping them would write a workflow that
    /// ships something else than the command line asked for.
    private func refuseRunnerlessOptions() throws {
        var given: [String] = []
        if !planning.targets.isEmpty { given.append("--target") }
        if planning.releaseVersion != nil { given.append("--version") }
        if planning.snapshot { given.append("--snapshot") }
        if planning.autoSnapshot { given.append("--auto-snapshot") }
        if planning.go != nil { given.append("--go") }
        guard let first = given.first else { return }
        let hints = [
            "--target": "list the targets in the config's targets: (the workflow builds the whole plan, in shards)",
            "--version": "the workflow's jobs release the pushed tag; push the tag v<version>",
            "--snapshot": "the workflow runs on pushed tags; run `shipdeck release --snapshot` locally instead",
            "--auto-snapshot": "the workflow runs on pushed tags; run `shipdeck release --auto-snapshot` locally",
            "--go": "the runner's Go comes from go.mod (actions/setup-go with go-version-file); set it there",
        ]
        throw ShipdeckError(
            .usage,
            "\(given.joined(separator: ", ")) cannot be carried to the workflow's jobs, which run on GitHub's runners",
            hint: hints[first] ?? "drop it")
    }

    /// `--config` as the jobs must pass it: relative to the module folder (their working
    /// directory) and inside the repository the jobs check out. Plain path characters only, as it
    /// is written into shell lines of the YAML.
    static func runnerConfigPath(_ config: URL, module: URL, root: URL) throws -> String {
        func inside(_ path: String, _ folder: String) -> Bool {
            path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
        }
        let path = config.standardizedFileURL.path, rootPath = root.path
        // A symbolic link in the repository to a file outside it is no better: the runner's checkout
        // has the link, not the file (it dangles there, or names another file of the runner's).
        let resolved = config.resolvingSymlinksInPath().path
        let outside = !inside(path, rootPath) ? "is outside"
            : !inside(resolved, root.resolvingSymlinksInPath().path)
                ? "is a symbolic link to \(UntrustedText.escape(resolved)), outside"
            : nil
        if let outside {
            throw ShipdeckError(
                .usage,
                "--config \(UntrustedText.escape(path)) \(outside) \(UntrustedText.escape(rootPath)), "
                    + "which the jobs check out",
                hint: "commit the config itself to the repository and pass its path there")
        }
        var moduleParts = module.standardizedFileURL.pathComponents
        var configParts = config.standardizedFileURL.pathComponents
        while let a = moduleParts.first, let b = configParts.first, a == b, configParts.count > 1 {
            moduleParts.removeFirst()
            configParts.removeFirst()
        }
        let relative = (Array(repeating: "..", count: moduleParts.count) + configParts).joined(separator: "/")
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/+")
        guard !relative.isEmpty, relative.allSatisfy({ allowed.contains($0) }), !relative.hasPrefix("-") else {
            throw ShipdeckError(
                .usage, "--config \(UntrustedText.escape(relative)): the workflow takes plain path names only",
                hint: "rename the config to letters, digits, '.', '_', '-' and '/'")
        }
        return relative
    }

    /// The git work tree that holds the module, if any.
    static func repositoryRoot(of module: URL) -> URL? {
        var dir = module.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(".git").path) { return dir }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }
}
