import Foundation

/// What a cell planned from a GoReleaser config carries beyond a shipdeck.yml cell: its build's
/// main package and hooks, where its binary goes in dist/ (GoReleaser's `<id>_<target>/<binary>`),
/// and the archives it writes. Decided at plan time (`GoReleaserPlanner`).
public struct GoReleaserCell: Sendable {
    public var buildID: String
    /// GoReleaser's target string (`linux_amd64_v1`, `linux_arm_6`).
    public var target: String
    /// The variant fields GoReleaser records (`goamd64: v1`, `goarm: 6`), for artifacts.json.
    public var variantFields: [String: String]
    /// The binary's artifact name: the rendered `binary:` plus `.exe` (`bin/gh`, `cosign-linux-amd64`).
    public var binaryName: String
    /// `extra.Binary`: the binary's base name without the extension.
    public var binaryStem: String
    public var ext: String
    /// Where the binary is published, relative to dist/.
    public var distPath: String
    /// The main package and the directory `go build` runs in, relative to the module.
    public var mainPackage: String
    public var directory: String
    public var preHooks: [GoReleaserHookPlan] = []
    public var postHooks: [GoReleaserHookPlan] = []
    /// Archives (and `format: binary` copies) made of this cell's binary alone.
    public var archives: [GoReleaserArchivePlan] = []
}

/// One hook command, rendered: arguments (split like a shell would, no shell), directory, environment.
public struct GoReleaserHookPlan: Sendable, Hashable {
    public var arguments: [String]
    /// Relative to the module ("" = the module).
    public var directory: String
    /// What the hook sets on top of the base environment.
    public var environment: [String: String]
    public var origin: String
}

/// One archive file (or `format: binary` upload name), planned.
public struct GoReleaserArchivePlan: Sendable {
    /// The archive's `id` (`extra.ID`).
    public var id: String
    /// `tar.gz`, `zip` or `binary`.
    public var format: String
    /// The file name in dist/ (`gh_2.0.0_macOS_amd64.tar.gz`, `cosign-linux-amd64`).
    public var name: String
    /// `wrap_in_directory`, rendered ("" = none).
    public var wrap: String
    /// `files:` with templates rendered; globbed when the archive is written (before hooks may make them).
    public var files: [GoReleaserProject.FileSpec]
    /// The binaries inside: the cell that builds each and its name inside the archive (before `wrap`).
    public var binaries: [(cell: String, name: String)]
    public var binaryMode: UInt16
}

/// What the release-wide steps need from a GoReleaser config.
public struct GoReleaserReleasePlan: Sendable {
    public var beforeHooks: [GoReleaserHookPlan] = []
    /// Archives holding binaries of several cells (several builds for one platform): written once
    /// every cell is final.
    public var sharedArchives: [GoReleaserArchivePlan] = []
    /// The names checksums.txt lists (archives and `format: binary` files, after `checksum.ids`).
    public var checksummed: Set<String> = []
    public var checksumDisabled = false
    /// Archive id (`extra.ID`) and format of every archive name.
    public var archiveInfo: [String: (id: String, format: String, wrap: String, binaries: [String], files: [String]?)] = [:]
    public var projectName: String
    public var tag: String
    public var previousTag: String
    public var version: String
    public var commit: String
    public var date: Int64
}
