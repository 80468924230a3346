import Foundation

/// What a cell planned from a GoReleaser config carries beyond a shipdeck.yml cell: its build's
/// main package and hooks, where its binary goes in dist/ (GoReleaser's `<id>_<target>/<binary>`),
/// and the archives it writes. Decided at plan time (`GoReleaserPlanner`).
package struct GoReleaserCell: Sendable {
    package var buildID: String
    /// GoReleaser's target string (`linux_amd64_v1`, `linux_arm_6`).
    package var target: String
    /// The variant fields GoReleaser records (`goamd64: v1`, `goarm: 6`), for artifacts.json.
    package var variantFields: [String: String]
    /// The binary's artifact name: the rendered `binary:` plus `.exe` (`bin/gh`, `cosign-linux-amd64`).
    package var binaryName: String
    /// `extra.Binary`: the binary's base name without the extension.
    package var binaryStem: String
    package var ext: String
    /// Where the binary is published, relative to dist/.
    package var distPath: String
    /// The main package and the directory `go build` runs in, relative to the module.
    package var mainPackage: String
    package var directory: String
    package var preHooks: [GoReleaserHookPlan] = []
    package var postHooks: [GoReleaserHookPlan] = []
    /// Archives (and `format: binary` copies) made of this cell's binary alone.
    package var archives: [GoReleaserArchivePlan] = []
}

/// One hook command, rendered: arguments (split like a shell would, no shell), directory, environment.
package struct GoReleaserHookPlan: Sendable, Hashable {
    package var arguments: [String]
    /// Relative to the module ("" = the module).
    package var directory: String
    /// What the hook sets on top of the base environment.
    package var environment: [String: String]
    package var origin: String
}

/// One archive file (or `format: binary` upload name), planned.
package struct GoReleaserArchivePlan: Sendable {
    /// The archive's `id` (`extra.ID`).
    package var id: String
    /// `tar.gz`, `zip` or `binary`.
    package var format: String
    /// The file name in dist/ (`gh_2.0.0_macOS_amd64.tar.gz`, `cosign-linux-amd64`).
    package var name: String
    /// `wrap_in_directory`, rendered ("" = none).
    package var wrap: String
    /// `files:` with templates rendered; globbed when the archive is written (before hooks may make them).
    package var files: [GoReleaserProject.FileSpec]
    /// The binaries inside: the cell that builds each and its name inside the archive (before `wrap`).
    package var binaries: [(cell: String, name: String)]
    package var binaryMode: UInt16
}

/// What the release-wide steps need from a GoReleaser config.
package struct GoReleaserReleasePlan: Sendable {
    package var beforeHooks: [GoReleaserHookPlan] = []
    /// Archives holding binaries of several cells (several builds for one platform): written once
    /// every cell is final.
    package var sharedArchives: [GoReleaserArchivePlan] = []
    /// The names checksums.txt lists (archives and `format: binary` files, after `checksum.ids`).
    package var checksummed: Set<String> = []
    package var checksumDisabled = false
    /// Archive id (`extra.ID`) and format of every archive name.
    package var archiveInfo: [String: (id: String, format: String, wrap: String, binaries: [String], files: [String]?)] = [:]
    package var projectName: String
    package var tag: String
    package var previousTag: String
    package var version: String
    package var commit: String
    package var date: Int64
}
