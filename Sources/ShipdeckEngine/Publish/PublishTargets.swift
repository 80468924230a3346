import Foundation

/// The publish targets beyond GitHub Releases, planned before anything is sent: the image push
/// (`publish.registry`) and the Homebrew formula / Scoop manifest (`publish.homebrew`,
/// `publish.scoop`). Their units sit around `github:publish`: images before it (a failed push
/// leaves the release a draft), formula and manifest after it (they point at published assets).
package struct PublishTargets: Sendable {
    /// The image push: where to, with what, and the layout's steps.
    package struct Registry: Sendable {
        package var config: RegistryPublishConfig
        package var credentials: RegistryCredentials?
        package var plan: RegistryPushPlan

        package static func unitID(_ step: RegistryPushPlan.Step) -> String { "registry:\(step.id)" }

        package var units: [PublishUnitInfo] {
            plan.steps.map { step in
                PublishUnitInfo(
                    id: Self.unitID(step), target: "registry", title: step.title,
                    bytes: step.kind == .blob ? step.size : nil, sha256: String(step.digest.dropFirst("sha256:".count)))
            }
        }
    }

    /// A formula or manifest for a tap or bucket.
    package struct Tap: Sendable {
        package var config: TapConfig
        /// artifacts.json: the archives per platform.
        package var artifacts: [ArtifactRecord]
        package var dist: URL
        package var project: String
        package var version: String
        package var binary: String
        package var smokeArguments: [String]
        package var values: ReleaseTemplateValues
        /// The GitHub repository's page (the default homepage).
        package var repositoryPage: String?
        /// The file in the tap or bucket (`Formula/hello.rb`, `bucket/hello.json`).
        package var file: String

        package var unitID: String { "\(config.kind.rawValue):\(file)" }

        package var unit: PublishUnitInfo {
            PublishUnitInfo(id: unitID, target: config.kind.rawValue, title: "\(file) → \(config.repository.displayURL)")
        }

        /// The formula or manifest with each archive's URL from `url` (the published asset's).
        package func render(url: (ArtifactRecord) throws -> String) throws -> Data {
            let downloads = try ReleaseDownloads.downloads(
                from: artifacts, url: { record in try config.downloadURL(for: record, values: values, defaultURL: try url(record)) },
                directory: { record in
                    guard config.kind == .scoop, record.name.hasSuffix(".zip") else { return nil }
                    return try ZipTopDirectory.of(dist.appendingPathComponent(record.path))
                })
            let release = try config.release(
                project: project, version: version, binary: binary, smokeArguments: smokeArguments,
                fallbackHomepage: repositoryPage, downloads: downloads)
            switch config.kind {
            case .homebrew: return Data(try HomebrewFormula(release: release).render().utf8)
            case .scoop: return try ScoopManifest(release: release).render()
            }
        }

        /// The path the renderer would choose, for planning (the name is known before URLs are).
        static func file(config: TapConfig, name: String) -> String {
            let base = config.directory.isEmpty ? "" : config.directory + "/"
            return base + name + (config.kind == .homebrew ? ".rb" : ".json")
        }
    }

    package var registry: Registry?
    package var taps: [Tap] = []

    package init() {}

    /// Units that run after the assets and before the release is published.
    package var unitsBeforePublish: [PublishUnitInfo] { registry?.units ?? [] }
    /// Units that run once the release is published.
    package var unitsAfterPublish: [PublishUnitInfo] { taps.map(\.unit) }
}
