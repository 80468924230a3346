import Foundation

/// One entry of `targets:`: the target and what is particular to it.
package struct TargetConfig: Sendable, Hashable {
    package var target: BuildTarget
    package var env: [String: String] = [:]
    /// Build with cgo through `zig cc` (issue: toolchain breadth).
    package var cgo: Bool?
    /// Run the smoke test for this target.
    package var smoke: Bool?
    /// The `zig cc -target` triple for a cgo build, when not the default (`x86_64-linux-gnu.2.28`).
    package var zigTarget: String?
    /// Source line, for errors about this entry.
    package var line: Int?

    package init(target: BuildTarget, env: [String: String] = [:], cgo: Bool? = nil, smoke: Bool? = nil,
                line: Int? = nil) {
        self.target = target
        self.env = env
        self.cgo = cgo
        self.smoke = smoke
        self.line = line
    }
}

/// How cells are packaged.
package struct ArchiveConfig: Sendable, Hashable {
    package enum Format: String, Sendable, CaseIterable { case targz = "tar.gz", zip, binary }
    /// `nil` means: tar.gz, and zip for windows.
    package var format: Format?
    package var formatOverrides: [String: Format] = [:]
    package var files: [String] = []
    /// A template for the directory name, or "true" for a directory named like the archive.
    package var wrapInDirectory: String?
    /// GoReleaser-style name template; nil = `<project>_<version>_<os>_<arch>`.
    package var nameTemplate: String?

    package init() {}

    package func format(for goos: String) -> Format {
        if let override = formatOverrides[goos] { return override }
        if let format { return format }
        return goos == "windows" ? .zip : .targz
    }
}

/// The `shipdeck.yml` file, read into values. Everything has a zero-config default.
package struct ShipdeckConfig: Sendable {
    /// The file this came from, or nil for zero config.
    package var path: String?
    package var project: String?
    /// The main package, relative to the module root (`.` or `./cmd/tool`).
    package var main = "."
    package var binary: String?
    /// The variable set with `-X` to the version.
    package var versionVariable = "main.version"
    package var go: String?
    package var targets: [TargetConfig] = BuildTarget.defaults.map { TargetConfig(target: $0) }
    /// Environment for every cell (`KEY=VALUE`).
    package var env: [String: String] = [:]
    /// Extra `go build` flags.
    package var flags: [String] = []
    /// Extra linker flags, after the reproducible ones.
    package var ldflags: [String] = []
    package var tags: [String] = []
    package var archive = ArchiveConfig()
    /// Name of the checksums file.
    package var checksumName = "checksums.txt"
    /// `signers:`: who signs what (issue 5, Sources/ShipdeckEngine/Signing).
    package var signers: [SignerConfig] = []
    /// `cache: {max_size: 2GiB}`: the artifact cache's bound (Cache/ArtifactCache.swift); nil for the default.
    package var cacheMaxBytes: Int64?
    /// `reproducible: true`: build each cell twice and compare (also `--verify-reproducible`).
    package var reproducible = false
    /// `provenance: true`: write a signed in-toto/SLSA provenance statement.
    package var provenance = false
    /// `images:`: an OCI image layout in dist/ with one image per Linux target (Images/ImageConfig.swift).
    package var images: ImageConfig?
    /// `packages:`: a .deb and an .rpm per Linux cell (Packages/PackagesConfig.swift).
    package var packages: PackagesConfig?
    /// `publish:` — where `shipdeck publish` and `release --publish` send the release.
    package var publish: PublishConfig?
    /// `zig:`: the zig used as C compiler for cgo targets (default: $ZIG, PATH, the ziglang PyPI package).
    package var zig: String?
    /// `smoke: true` runs the smoke test on every target (a target's own `smoke:` wins).
    package var smoke = false
    /// `smoke_args:`: what the smoke test passes to the binary; its output must contain the version.
    package var smokeArguments = ["-version"]
    /// `timeout:`: how long one attempt of one cell may take (every stage); past it the cell
    /// fails saying so and its process tree is killed. Nil: no limit.
    package var cellTimeout: TimeInterval?
    /// `goarm:` / `goamd64:` …: a target listed without a variant is built once per listed value.
    package var variants: [String: [String]] = [:]
    /// Targets removed by `ignore:` rules, with the rule, so the plan can say what each dropped.
    package var ignored: [(target: BuildTarget, rule: String)] = []
    /// Warnings found while reading (unsupported GoReleaser keys, …).
    package var warnings: [String] = []
    /// The GoReleaser config this was read from, if any: then `GoReleaserPlanner` plans the release.
    package var goreleaser: GoReleaserProject?

    /// `sbom:`: SPDX/CycloneDX SBOMs per binary (SBOM/SBOMConfig.swift); nil = none.
    package var sbom: SBOMConfig?
    /// `universal_binaries:`: a macOS universal binary from darwin/amd64 + darwin/arm64 (Universal/).
    package var universalBinaries: UniversalBinaryConfig?
    /// `changelog:`: dist/CHANGELOG.md from git, GoReleaser's semantics (Changelog/); nil = none.
    package var changelog: ChangelogConfig?

    package init() {}
}
