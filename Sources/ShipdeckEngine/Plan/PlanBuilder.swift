import Foundation

/// Turns config + source + toolchain into a `BuildPlan`.
public enum PlanBuilder {
    /// Variables passed through from Shipdeck's own environment to build children; nothing else is.
    package static let inheritedVariables = [
        "PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "LANG", "LC_ALL", "XDG_CACHE_HOME", "GOPATH", "GOCACHE",
        "GOMODCACHE", "GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOINSECURE", "GOTOOLCHAIN",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "SSL_CERT_FILE",
        "SSL_CERT_DIR", "ZIG_GLOBAL_CACHE_DIR", "ZIG_LOCAL_CACHE_DIR", "GOGC", "GOMEMLIMIT",
    ]

    /// Variables the cell itself controls; config env cannot override them.
    static let reserved: Set<String> = ["GOOS", "GOARCH", "GOTOOLCHAIN"]

    /// A release named by the tag at HEAD from a tree with uncommitted changes holds other source
    /// than the tag names. `outside`: a path prefix (relative to the repository) that does not count.
    static func uncommittedWarning(_ source: SourceInfo, outside: String? = nil) -> String? {
        guard let tag = source.exactTag else { return nil }
        let changed = (source.uncommitted ?? []).filter { path in outside.map { !path.hasPrefix($0) } ?? true }
        guard !changed.isEmpty else { return nil }
        let shown = changed.prefix(3).map { UntrustedText.escape($0) }.joined(separator: ", ")
        return "the git tree has \(changed.count) uncommitted change\(changed.count == 1 ? "" : "s") (\(shown)"
            + (changed.count > 3 ? ", …" : "") + "): this release of \(UntrustedText.escape(tag)) holds them, "
            + "not what the tag names; commit or stash them, or pass --version for a build that is not the tag"
    }

    /// A GOTOOLCHAIN other than `local` in Shipdeck's environment or the config's env: would make
    /// go switch to another toolchain (downloaded, or from GOPATH) than the one the plan read its
    /// version and ports from, which the fingerprint, the provenance and the journal record. The
    /// builds use GOTOOLCHAIN=local; this says so.
    static func toolchainSwitchWarnings(environment: [String: String], configEnv: [(String, [String: String])],
                                        toolchain: GoToolchain) -> [String] {
        var found: [(String, String)] = []
        if let value = environment["GOTOOLCHAIN"], !value.isEmpty, value != "local" {
            found.append(("the environment", value))
        }
        for (origin, env) in configEnv {
            if let value = env["GOTOOLCHAIN"], value != "local" { found.append((origin, value)) }
        }
        return found.map { origin, value in
            "GOTOOLCHAIN=\(UntrustedText.escape(value)) in \(origin) is not used: builds use \(toolchain.version) "
                + "(\(toolchain.path)) with GOTOOLCHAIN=local, as the plan recorded; pass --go (or go:) to build with another Go"
        }
    }

    /// Plans a release: reads the config (shipdeck.yml, else a GoReleaser file, else zero config),
    /// asks the Go toolchain for its ports, and, with `preparingSigners`, checks every signer
    /// (keys, passwords, tools) so a release fails before any build starts. `shipdeck plan`,
    /// `ci github` and shard runs that sign nothing pass false: then no key has to be present.
    public static func plan(_ options: PlanOptions, preparingSigners: Bool = true) throws -> BuildPlan {
        let moduleDir = options.moduleDirectory.standardizedFileURL
        let source = try SourceInfo.read(
            moduleDirectory: moduleDir.path, environment: options.environment, dist: options.distDirectory)
        var config = try loadConfig(moduleDirectory: moduleDir, configPath: options.configPath, source: source,
                                    environment: options.environment)
        let goPath = try GoToolchain.locate(flag: options.goFlag, environment: options.environment, config: config.go)
        let toolchain = try GoToolchain.inspect(path: goPath, environment: baseEnvironment(options.environment),
                                                directory: moduleDir.path)
        GoReleaserImport.dropUnknownPorts(&config, toolchain: toolchain)
        var built = try plan(config: config, source: source, toolchain: toolchain, options: options)
        if options.hashSourceTree { built.sourceTree = CellFingerprint.sourceTree(of: built) }
        try PlanChecks.mainPackage(built, environment: baseEnvironment(options.environment))
        // A GoReleaser config's other builds have main packages of their own.
        for main in Set(built.cells.compactMap { $0.goreleaser?.mainPackage }) where main != built.mainPackage {
            var other = built
            other.mainPackage = main
            try PlanChecks.mainPackage(other, environment: baseEnvironment(options.environment))
        }
        if preparingSigners {
            built.trust = try TrustPlan.prepare(config: built.config, environment: options.environment)
            built.info.signers = built.trust.summaries
            built.warnings += built.trust.warnings
        } else {
            built.info.signers = built.config.signers.map(\.summary)
        }
        return built
    }

    /// The config of a module: `--config` (a GoReleaser file when its content says so), else
    /// shipdeck.yml, else a GoReleaser file in GoReleaser's search order (its unsupported keys
    /// become warnings), else zero config.
    static func loadConfig(moduleDirectory: URL, configPath: URL?, source: SourceInfo,
                           environment: [String: String]) throws -> ShipdeckConfig {
        if let configPath, GoReleaserImport.isGoReleaserFile(configPath) {
            return try GoReleaserImport.load(configPath, defaultProject: source.defaultProjectName,
                                             environment: environment)
        }
        if let path = configPath ?? ConfigReader.locate(in: moduleDirectory) {
            return try ConfigReader.load(path)
        }
        if let goreleaser = GoReleaserImport.locate(in: moduleDirectory) {
            return try GoReleaserImport.load(goreleaser, defaultProject: source.defaultProjectName,
                                             environment: environment)
        }
        return ShipdeckConfig()
    }

    /// The pure part: no process runs here.
    package static func plan(config: ShipdeckConfig, source: SourceInfo, toolchain: GoToolchain,
                            options: PlanOptions) throws -> BuildPlan {
        if let project = config.goreleaser {
            return try GoReleaserPlanner.buildPlan(project, config: config, source: source, toolchain: toolchain,
                                                   options: options)
        }
        var config = config
        let moduleDir = options.moduleDirectory.standardizedFileURL
        let configName = config.path ?? "targets"
        var warnings = config.warnings
        if let pinned = source.pinnedToolchain, pinned != toolchain.version {
            warnings.append("go.mod pins toolchain \(pinned) but the Go in use is \(toolchain.version) (\(toolchain.path)); "
                + "builds use \(toolchain.version) (GOTOOLCHAIN=local)")
        }
        for (target, rule) in config.ignored {
            warnings.append("ignore rule '\(rule)' dropped \(target)")
        }
        if options.versionOverride == nil, let warning = uncommittedWarning(source) { warnings.append(warning) }
        warnings += toolchainSwitchWarnings(
            environment: options.environment,
            configEnv: [("\(configName): env", config.env)]
                + config.targets.map { ("\(configName): \($0.target) env", $0.env) }, toolchain: toolchain)

        var entries = config.targets
        if !options.only.isEmpty {
            let unknown = options.only.filter { id in !entries.contains { $0.target.description == id } }
            if !unknown.isEmpty {
                throw ShipdeckError(.target, "--target \(unknown.joined(separator: ", ")) is not in the plan",
                                    hint: "planned targets: \(entries.map(\.target.description).joined(separator: ", "))")
            }
            entries = entries.filter { options.only.contains($0.target.description) }
        }
        guard !entries.isEmpty else {
            throw ShipdeckError(.config, "\(configName): no targets to build", hint: "list at least one goos/goarch under targets:")
        }
        var seen: Set<String> = []
        for entry in entries {
            let where_ = entry.line.map { "\(configName):\($0)" } ?? configName
            try toolchain.validate(entry.target, source: where_)
            guard seen.insert(entry.target.description).inserted else {
                throw ShipdeckError(.config, "\(where_): target \(entry.target) is listed twice", hint: "remove one of them")
            }
        }

        let mainPackage = config.main.hasPrefix(".") || config.main.hasPrefix("/") ? config.main : "./" + config.main
        var isDir: ObjCBool = false
        let mainDir = mainPackage.hasPrefix("/") ? mainPackage : moduleDir.appendingPathComponent(mainPackage).path
        guard FileManager.default.fileExists(atPath: mainDir, isDirectory: &isDir), isDir.boolValue else {
            throw ShipdeckError(.config, "\(configName): main: \(config.main) is not a directory in \(moduleDir.path)",
                                hint: "set main: to the directory of the main package, such as . or ./cmd/\(source.defaultProjectName)")
        }
        try PlanChecks.mainInsideModule(mainDir, given: config.main, module: moduleDir, source: configName)

        let project = config.project ?? source.defaultProjectName
        let binary = config.binary ?? project
        if let given = options.versionOverride, given.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ShipdeckError(.config, "--version is empty", hint: "give a version such as 1.2.3, or leave --version out")
        }
        let version = source.version(override: options.versionOverride)
        try checkFileNamePart(project, what: "\(configName): project")
        try checkFileNamePart(binary, what: "\(configName): binary")
        try checkFileNamePart(version, what: options.versionOverride != nil ? "--version" : "the version from git")
        try PlanChecks.nameLength(project, what: "\(configName): project")
        try PlanChecks.nameLength(binary, what: "\(configName): binary")
        try PlanChecks.version(version, what: options.versionOverride != nil ? "--version" : "the version from git")
        try PlanChecks.versionVariable(config.versionVariable, source: configName)
        let epoch = try source.sourceDateEpoch(environment: options.environment)
        let base = baseEnvironment(options.environment)
        let distDir = (options.distDirectory ?? moduleDir.appendingPathComponent("dist")).standardizedFileURL
        let templateValues = templateValues(config: config, source: source, project: project, version: version,
                                            epoch: epoch, binary: binary, options: options)
        config.checksumName = try GoTemplate.render(config.checksumName, origin: "\(configName): checksum name",
                                                    context: templateValues.releaseContext)

        var ldflags = ["-s", "-w", "-buildid=", "-X", "\(config.versionVariable)=\(version)"]
        ldflags += config.ldflags
        var buildArguments = ["build", "-trimpath", "-buildvcs=false"]
        if !config.tags.isEmpty { buildArguments += ["-tags", config.tags.joined(separator: ",")] }
        buildArguments += config.flags
        buildArguments += ["-ldflags", ldflags.joined(separator: " ")]

        var cells: [CellPlan] = []
        var names: [String: String] = [:]
        for entry in entries {
            let target = entry.target
            let artifactBase = "\(project)_\(version)_\(target.goos)_\(target.archInFileName)"
            let binaryName = artifactBase + target.executableSuffix
            if let other = names[binaryName] {
                throw ShipdeckError(.config, "\(configName): targets \(other) and \(target) would both write \(binaryName)",
                                    hint: "remove one of them")
            }
            names[binaryName] = target.description
            var cellEnv = config.env.merging(entry.env) { $1 }.filter { !reserved.contains($0.key) }
            cellEnv["GOOS"] = target.goos
            cellEnv["GOARCH"] = target.goarch
            if let variable = target.variantVariable, let variant = target.variant { cellEnv[variable] = variant }
            let extras = try cellExtras(entry: entry, config: config, toolchain: toolchain, options: options, base: base,
                                        values: templateValues, artifactBase: artifactBase, buildArguments: buildArguments,
                                        source: entry.line.map { "\(configName):\($0)" } ?? configName)
            cellEnv.merge(extras.environment) { $1 }
            if let archive = extras.archiveName {
                if let other = names[archive] {
                    throw ShipdeckError(.template, "\(configName): targets \(other) and \(target) would both write \(archive)",
                                        hint: "add {{ .Arch }}, {{ .Arm }} or {{ .Amd64 }} to the archive name_template")
                }
                names[archive] = target.description
            }
            if cellEnv["CGO_ENABLED"] == nil { cellEnv["CGO_ENABLED"] = "0" }
            cellEnv["SOURCE_DATE_EPOCH"] = String(epoch)
            cells.append(CellPlan(
                info: CellInfo(id: target.description, target: target, artifactBase: artifactBase, cgo: entry.cgo ?? false),
                binaryName: binaryName, executableName: binary + target.executableSuffix,
                archiveFormat: config.archive.format(for: target.goos), buildArguments: extras.buildArguments,
                cellEnvironment: cellEnv, environment: base.merging(cellEnv) { $1 }, smoke: entry.smoke ?? config.smoke,
                archiveName: extras.archiveName, archiveDirectory: extras.archiveDirectory))
        }

        for cell in cells {
            try PlanChecks.fileNames([cell.binaryName] + (cell.archiveName.map { [$0] } ?? []), source: configName)
            try PlanChecks.commandLineFits(
                [toolchain.path] + cell.goArguments(output: distDir.appendingPathComponent(".shipdeck/\(cell.id)/\(cell.executableName)").path,
                                                    mainPackage: mainPackage),
                environment: cell.environment, cell: cell.id, source: configName)
        }
        let archiveFiles = try ArchiveFiles.check(config.archive.files, in: moduleDir, excluding: [distDir], source: configName)
        warnings += archiveFiles.warnings
        try PlanChecks.archiveLayouts(cells, files: archiveFiles.files, distDir: distDir, source: configName)

        let info = ReleaseInfo(
            project: project, version: version, commit: source.commit, goVersion: toolchain.version,
            sourceDateEpoch: epoch, distDirectory: distDir.path, shipdeckVersion: Shipdeck.version,
            cells: cells.map(\.info), compression: ArchiveCompression.description)
        // universal_binaries: needs both darwin cells (Universal/UniversalBinaryPlan.swift).
        var universal: UniversalBinaryPlan?
        if let universalConfig = config.universalBinaries {
            let made = try UniversalBinaryPlan.make(
                config: universalConfig, cells: cells, project: project, version: version, binary: binary,
                archive: config.archive, values: templateValues, restricted: !options.only.isEmpty)
            universal = made.plan
            if let warning = made.warning { warnings.append(warning) }
        }
        var built = BuildPlan(info: info, config: config, toolchain: toolchain, source: source, cells: cells,
                              moduleDirectory: moduleDir, distDirectory: distDir, mainPackage: mainPackage, warnings: warnings)
        built.universal = universal
        built.packages = try PackagePlan.prepare(config: config, project: project, version: version, cells: cells,
                                                 moduleDirectory: moduleDir, epoch: epoch)
        built.warnings += built.packages?.warnings ?? []
        try PlanChecks.imageLayoutFolder(built, source: configName)
        return built
    }

    /// Project, binary and version become parts of file names in dist/ (and of checksums.txt):
    /// no path separators, no control characters that would reach a terminal through `ls`.
    static func checkFileNamePart(_ value: String, what: String) throws {
        let bad = value.unicodeScalars.first { $0 == "/" || $0 == "\\" || $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }
        guard value.isEmpty || bad != nil || value == "." || value == ".." else { return }
        let shown = UntrustedText.escape(value)
        let problem = value.isEmpty ? "is empty" : bad.map { $0 == "/" || $0 == "\\" ? "contains '\($0)'" : "contains a control character" }
            ?? "is not a file name"
        throw ShipdeckError(.config, "\(what) '\(shown)' \(problem); it becomes part of every artifact's file name",
                            hint: "use letters, digits, '.', '-', '_' or '+'")
    }

    /// The allowlisted part of Shipdeck's environment, plus what makes builds hermetic.
    package static func baseEnvironment(_ environment: [String: String]) -> [String: String] {
        var env: [String: String] = [:]
        for key in inheritedVariables { if let value = environment[key] { env[key] = value } }
        if env["PATH"] == nil { env["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        // Always the Go the plan inspected (see toolchainSwitchWarnings), whatever GOTOOLCHAIN says.
        env["GOTOOLCHAIN"] = "local"
        // The user's `go env -w` file could add flags that make builds differ between machines.
        env["GOENV"] = "off"
        env["GOFLAGS"] = ""
        return env
    }
}
