import Foundation

/// What `shipdeck check` reports about a planned config: which file, of what kind, the release
/// files it names, and every unsupported key.
package struct ConfigCheck: Sendable {
    package var file: String
    package var kind: String
    package var unsupported: [GoReleaserProject.Unsupported]
    /// The files the release would publish: archives, `format: binary` files and the checksums file.
    package var artifactNames: [String]

    package init(plan: BuildPlan) {
        file = plan.config.path ?? "none (zero config)"
        if let project = plan.config.goreleaser {
            kind = "GoReleaser config, version \(project.schemaVersion)"
            unsupported = project.unsupported
        } else {
            kind = plan.config.path == nil ? "defaults" : "shipdeck.yml"
            unsupported = []
        }
        artifactNames = Self.artifactNames(plan)
    }

    /// Archive, `format: binary` and checksums file names, sorted (as in a GitHub release's assets).
    package static func artifactNames(_ plan: BuildPlan) -> [String] {
        var names: [String] = []
        if let g = plan.goreleaser {
            names += g.archiveInfo.keys
            if !g.checksumDisabled { names.append(plan.config.checksumName) }
        } else {
            for cell in plan.cells {
                names.append(cell.binaryName)
                if let archive = cell.archiveName { names.append(archive) }
            }
            names.append(plan.config.checksumName)
        }
        return names.sorted()
    }
}
