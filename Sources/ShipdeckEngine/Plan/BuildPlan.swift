import Foundation

/// A release, planned: a pure value. Computing it runs only `go env`/`go tool dist list` and git.
public struct BuildPlan: Sendable {
    public var info: ReleaseInfo
    package var config: ShipdeckConfig
    package var toolchain: GoToolchain
    package var source: SourceInfo
    package var cells: [CellPlan]
    package var moduleDirectory: URL
    package var distDirectory: URL
    package var mainPackage: String
    public var warnings: [String]
    /// Signers (ready and proven), reproducibility check and provenance: `TrustPlan.prepare`.
    package var trust = TrustPlan()
    /// Set when this plan is one shard of a release (`--shard`): the release-wide steps then only
    /// write a part manifest, and `shipdeck merge` does the rest.
    package var shard: ShardContext? = nil
    /// `universal_binaries:`: the macOS universal binary made after the darwin cells (Universal/).
    package var universal: UniversalBinaryPlan? = nil
    /// Set when the config is a GoReleaser file: before hooks, shared archives, what checksums list.
    package var goreleaser: GoReleaserReleasePlan? = nil
    /// `packages:` checked against the module and the cells (Packages/PackagePlan.swift).
    var packages: PackagePlan? = nil
    /// The source tree's hash (`CellFingerprint.sourceTree`) taken while planning a release
    /// (`PlanOptions.hashSourceTree`): the engine's first fingerprints and the main package check's
    /// cache use it, so the tree is walked once per release. Nil for other commands.
    package var sourceTree: String? = nil

    package func cell(_ id: String) -> CellPlan? { cells.first { $0.id == id } }
}
