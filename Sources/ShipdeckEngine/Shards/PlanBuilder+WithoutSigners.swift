import Foundation

extension PlanBuilder {
    /// The config of a module, found and read as `plan(_:)` finds and reads it: `--config`, else
    /// shipdeck.yml, else a GoReleaser file, else zero config.
    static func loadConfig(
        moduleDirectory: URL, configPath: URL?, source: SourceInfo,
        environment: [String: String]
    ) throws -> ShipdeckConfig {
        if let path = configPath ?? ConfigReader.locate(in: moduleDirectory) {
            return try ConfigReader.load(path)
        }
        if let goreleaser = GoReleaserImport.locate(in: moduleDirectory) {
            return try GoReleaserImport.load(
                goreleaser, defaultProject: source.defaultProjectName, environment: environment)
        }
        return ShipdeckConfig()
    }

    /// A plan for commands that only need its cells (`shipdeck ci github`): like `plan(_:)`, with
    /// the real Go, but without preparing signers, so no signing key has to be present.
    public static func planWithoutSigners(_ options: PlanOptions) throws -> BuildPlan {
        let moduleDir = options.moduleDirectory.standardizedFileURL
        let source = try SourceInfo.read(moduleDirectory: moduleDir.path, environment: options.environment)
        var config = try loadConfig(
            moduleDirectory: moduleDir, configPath: options.configPath, source: source,
            environment: options.environment)
        let goPath = try GoToolchain.locate(flag: options.goFlag, environment: options.environment, config: config.go)
        let toolchain = try GoToolchain.inspect(
            path: goPath, environment: baseEnvironment(options.environment),
            directory: moduleDir.path)
        GoReleaserImport.dropUnknownPorts(&config, toolchain: toolchain)
        return try plan(config: config, source: source, toolchain: toolchain, options: options)
    }
}
