import Foundation

extension GoReleaserPlanner {
    /// GoReleaser's project name when `project_name` is not set: `release.github.name`, which
    /// defaults to the repository of the `origin` remote, else the last element of the module path
    /// (`go list -m`, no `/vN` stripping).
    static func projectName(_ project: GoReleaserProject, source: SourceInfo) -> String {
        if let name = project.projectName ?? project.releaseName { return name }
        let remote = project.git.url.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? ""
        let repository = remote.hasSuffix(".git") ? String(remote.dropLast(4)) : remote
        if !repository.isEmpty { return repository }
        return source.modulePath.split(separator: "/").last.map(String.init) ?? source.defaultProjectName
    }

    /// The whole `BuildPlan` of a GoReleaser config (`PlanBuilder.plan` hands it here).
    static func buildPlan(
        _ project: GoReleaserProject, config: ShipdeckConfig, source: SourceInfo, toolchain: GoToolchain,
        options: PlanOptions
    ) throws -> BuildPlan {
        let moduleDir = options.moduleDirectory.standardizedFileURL
        let file = project.file
        var warnings = config.warnings
        if let pinned = source.pinnedToolchain, pinned != toolchain.version {
            warnings.append(
                "go.mod pins toolchain \(pinned) but the Go in use is \(toolchain.version) (\(toolchain.path)); "
                    + "builds use \(toolchain.version) (GOTOOLCHAIN=local)")
        }
        warnings += PlanBuilder.toolchainSwitchWarnings(
            environment: options.environment, configEnv: [], toolchain: toolchain)
        if let given = options.versionOverride, given.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ShipdeckError(.config, "--version is empty", hint: "give a version such as 1.2.3, or leave --version out")
        }
        let name = projectName(project, source: source)
        try PlanBuilder.checkFileNamePart(name, what: "\(file): project_name")
        let epoch = try source.sourceDateEpoch(environment: options.environment)
        let base = PlanBuilder.baseEnvironment(options.environment)
        let distDir: URL
        if let given = options.distDirectory {
            distDir = given.standardizedFileURL
        } else if let dist = project.dist, !dist.isEmpty {
            distDir = (dist.hasPrefix("/") ? URL(fileURLWithPath: dist) : moduleDir.appendingPathComponent(dist)).standardizedFileURL
        } else {
            distDir = moduleDir.appendingPathComponent("dist").standardizedFileURL
        }
        let built = try plan(
            project, config: config, source: source, toolchain: toolchain, options: options, projectName: name,
            epoch: epoch, base: base)
        warnings += built.warnings
        // GoReleaser refuses a dirty tree unless --snapshot; Shipdeck warns (project.dist aside).
        if options.versionOverride == nil, !options.snapshot, !options.autoSnapshot,
            let warning = PlanBuilder.uncommittedWarning(source, outside: project.dist.map { $0.hasSuffix("/") ? $0 : $0 + "/" })
        {
            warnings.append(warning)
        }
        let versionSource = options.versionOverride != nil ? "--version" : "the version"
        try PlanBuilder.checkFileNamePart(built.version, what: versionSource)
        try PlanChecks.version(built.version, what: versionSource)
        try PlanChecks.nameLength(name, what: "\(file): project_name")
        // Each build's main package must be a directory of the module (a typo fails the plan, not a build).
        var checked: Set<String> = []
        for cell in built.cells {
            guard let g = cell.goreleaser, checked.insert(g.directory + "|" + g.mainPackage).inserted else { continue }
            let buildDir = g.directory.isEmpty ? moduleDir : moduleDir.appendingPathComponent(g.directory)
            let main = g.mainPackage.hasPrefix("/") ? URL(fileURLWithPath: g.mainPackage) : buildDir.appendingPathComponent(g.mainPackage)
            var isDir: ObjCBool = false
            let path = main.standardizedFileURL.path
            let isGoFile = path.hasSuffix(".go") && FileManager.default.fileExists(atPath: path)
            guard isGoFile || (FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue) else {
                throw ShipdeckError(
                    .config, "\(file): build \(g.buildID): main: \(g.mainPackage) is not a directory in \(buildDir.path)",
                    hint: "set main: to the directory of the main package, such as . or ./cmd/\(name)")
            }
            try PlanChecks.mainInsideModule(path, given: g.mainPackage, module: moduleDir, source: "\(file): build \(g.buildID)")
        }
        // Names in dist/ and command lines that execve takes (PlanChecks), as for shipdeck.yml.
        try PlanChecks.fileNames(Array(built.release.archiveInfo.keys) + [built.checksumName], source: file)
        for cell in built.cells {
            try PlanChecks.fileNames(cell.binaryName.split(separator: "/").map(String.init), source: file)
            try PlanChecks.commandLineFits(
                [toolchain.path] + cell.goArguments(
                    output: distDir.appendingPathComponent(".shipdeck/\(cell.id)/\(cell.executableName)").path,
                    mainPackage: cell.goreleaser?.mainPackage ?? "."),
                environment: cell.environment, cell: cell.id, source: file)
        }
        var config = config
        config.project = name
        config.ignored = built.ignored
        for (target, rule) in built.ignored { warnings.append("ignore rule '\(rule)' dropped \(target)") }
        config.checksumName = built.checksumName
        let info = ReleaseInfo(
            project: name, version: built.version, commit: source.commit, goVersion: toolchain.version,
            sourceDateEpoch: epoch, distDirectory: distDir.path, shipdeckVersion: Shipdeck.version,
            cells: built.cells.map(\.info), compression: ArchiveCompression.description)
        var plan = BuildPlan(
            info: info, config: config, toolchain: toolchain, source: source, cells: built.cells,
            moduleDirectory: moduleDir, distDirectory: distDir,
            mainPackage: built.cells.first?.goreleaser?.mainPackage ?? ".", warnings: warnings)
        plan.goreleaser = built.release
        // nfpms: (read into packages: by GoReleaserImport+NFPM.swift): a .deb and an .rpm per Linux cell.
        // Files the before hooks may make (`make manpages`) are checked again by the package stage.
        plan.packages = try PackagePlan.prepare(
            config: config, project: name, version: built.version, cells: built.cells, moduleDirectory: moduleDir,
            epoch: epoch, contentsMayAppearLater: !project.beforeHooks.isEmpty)
        plan.warnings += plan.packages?.warnings ?? []
        return plan
    }
}
