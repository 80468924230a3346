import Foundation
import ShipdeckEngine

/// `shipdeck init --from-goreleaser`: the GoReleaser config, read as `shipdeck release` would read
/// it, written back as shipdeck.yml.
enum GoReleaserTranslation {
    static func text(moduleDirectory: URL, source: SourceInfo) throws -> String {
        guard let url = GoReleaserImport.locate(in: moduleDirectory) else {
            throw ShipdeckError(
                .config, "no GoReleaser config (\(GoReleaserImport.fileNames.joined(separator: ", "))) in \(moduleDirectory.path)",
                hint: "run init in the directory that holds the GoReleaser config, or drop --from-goreleaser")
        }
        let environment = ProcessInfo.processInfo.environment
        var config = try GoReleaserImport.translation(url, defaultProject: source.defaultProjectName, environment: environment)
        // Drop what this Go cannot build, as `shipdeck release` would; without a Go, keep everything.
        if let go = try? GoToolchain.locate(flag: nil, environment: environment, config: nil),
            let toolchain = try? GoToolchain.inspect(
                path: go, environment: PlanBuilder.baseEnvironment(environment),
                directory: moduleDirectory.path)
        {
            GoReleaserImport.dropUnknownPorts(&config, toolchain: toolchain)
        }
        if config.project == nil { config.project = source.defaultProjectName }
        return ShipdeckConfigWriter.yaml(
            config,
            header: [
                "shipdeck.yml: translated by `shipdeck init --from-goreleaser` from \(url.lastPathComponent).",
                "`shipdeck plan` prints what it will build.",
            ])
    }
}
