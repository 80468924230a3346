import Foundation

/// One entry of `targets:`: the target and what is particular to it.
public struct TargetConfig: Sendable, Hashable {
    public var target: BuildTarget
    public var env: [String: String] = [:]
    /// Build with cgo through `zig cc` (issue: toolchain breadth).
    public var cgo: Bool?
    /// Run the smoke test for this target.
    public var smoke: Bool?
    /// The `zig cc -target` triple for a cgo build, when not the default (`x86_64-linux-gnu.2.28`).
    public var zigTarget: String?
    /// Source line, for errors about this entry.
    public var line: Int?

    public init(target: BuildTarget, env: [String: String] = [:], cgo: Bool? = nil, smoke: Bool? = nil,
                line: Int? = nil) {
        self.target = target
        self.env = env
        self.cgo = cgo
        self.smoke = smoke
        self.line = line
    }
}

/// How cells are packaged.
public struct ArchiveConfig: Sendable, Hashable {
    public enum Format: String, Sendable, CaseIterable { case targz = "tar.gz", zip, binary }
    /// `nil` means: tar.gz, and zip for windows.
    public var format: Format?
    public var formatOverrides: [String: Format] = [:]
    public var files: [String] = []
    /// A template for the directory name, or "true" for a directory named like the archive.
    public var wrapInDirectory: String?
    /// GoReleaser-style name template; nil = `<project>_<version>_<os>_<arch>`.
    public var nameTemplate: String?

    public init() {}

    public func format(for goos: String) -> Format {
        if let override = formatOverrides[goos] { return override }
        if let format { return format }
        return goos == "windows" ? .zip : .targz
    }
}

/// The `shipdeck.yml` file, read into values. Everything has a zero-config default.
public struct ShipdeckConfig: Sendable {
    /// The file this came from, or nil for zero config.
    public var path: String?
    public var project: String?
    /// The main package, relative to the module root (`.` or `./cmd/tool`).
    public var main = "."
    public var binary: String?
    /// The variable set with `-X` to the version.
    public var versionVariable = "main.version"
    public var go: String?
    public var targets: [TargetConfig] = BuildTarget.defaults.map { TargetConfig(target: $0) }
    /// Environment for every cell (`KEY=VALUE`).
    public var env: [String: String] = [:]
    /// Extra `go build` flags.
    public var flags: [String] = []
    /// Extra linker flags, after the reproducible ones.
    public var ldflags: [String] = []
    public var tags: [String] = []
    public var archive = ArchiveConfig()
    /// Name of the checksums file.
    public var checksumName = "checksums.txt"
    /// `signers:`: who signs what (issue 5, Sources/ShipdeckEngine/Signing).
    public var signers: [SignerConfig] = []
    /// `reproducible: true`: build each cell twice and compare (also `--verify-reproducible`).
    public var reproducible = false
    /// `provenance: true`: write a signed in-toto/SLSA provenance statement.
    public var provenance = false
    /// `images:`: an OCI image layout in dist/ with one image per Linux target (Images/ImageConfig.swift).
    public var images: ImageConfig?
    /// `packages:`: a .deb and an .rpm per Linux cell (Packages/PackagesConfig.swift).
    public var packages: PackagesConfig?
    /// `zig:`: the zig used as C compiler for cgo targets (default: $ZIG, PATH, the ziglang PyPI package).
    public var zig: String?
    /// `smoke: true` runs the smoke test on every target (a target's own `smoke:` wins).
    public var smoke = false
    /// `smoke_args:`: what the smoke test passes to the binary; its output must contain the version.
    public var smokeArguments = ["-version"]
    /// `timeout:`: how long one attempt of one cell may take (every stage); past it the cell
    /// fails saying so and its process tree is killed. Nil: no limit.
    public var cellTimeout: TimeInterval?
    /// `goarm:` / `goamd64:` …: a target listed without a variant is built once per listed value.
    public var variants: [String: [String]] = [:]
    /// Targets removed by `ignore:` rules, with the rule, so the plan can say what each dropped.
    public var ignored: [(target: BuildTarget, rule: String)] = []
    /// Warnings found while reading (unsupported GoReleaser keys, …).
    public var warnings: [String] = []
    /// The GoReleaser config this was read from, if any: then `GoReleaserPlanner` plans the release.
    public var goreleaser: GoReleaserProject?

    /// `sbom:`: SPDX/CycloneDX SBOMs per binary (SBOM/SBOMConfig.swift); nil = none.
    public var sbom: SBOMConfig?
    /// `universal_binaries:`: a macOS universal binary from darwin/amd64 + darwin/arm64 (Universal/).
    public var universalBinaries: UniversalBinaryConfig?
    /// `changelog:`: dist/CHANGELOG.md from git, GoReleaser's semantics (Changelog/); nil = none.
    public var changelog: ChangelogConfig?

    public init() {}
}
