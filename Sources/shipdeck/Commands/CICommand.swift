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
        let plan = try PlanBuilder.plan(planning.planOptions(), preparingSigners: false)
        let root = Self.repositoryRoot(of: plan.moduleDirectory) ?? plan.moduleDirectory
        let subdirectory = PlanText.relative(plan.moduleDirectory, to: root.standardizedFileURL)
        var workflow = try GitHubWorkflow.forPlan(
            plan, shardCount: shards ?? plan.cells.count,
            moduleSubdirectory: subdirectory == plan.moduleDirectory.path ? "" : subdirectory)
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
