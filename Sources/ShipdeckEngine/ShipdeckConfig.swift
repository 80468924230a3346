import Foundation

/// One entry of `targets:`: the target and what is particular to it.
public struct TargetConfig: Sendable, Hashable {
    public var target: BuildTarget
    public var env: [String: String] = [:]
    /// Build with cgo through `zig cc` (issue: toolchain breadth).
    public var cgo: Bool?
    /// Run the smoke test for this target.
    public var smoke: Bool?
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
    public var wrapInDirectory: String?
    /// GoReleaser-style name template; nil = `<project>_<version>_<os>_<arch>`.
    public var nameTemplate: String?

    public init() {}

    public func format(for goos: String) -> Format {
        if let override = formatOverrides[goos] { return override }
        if let format { return format }
        return .binary
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
    /// Targets removed by `ignore:` rules, with the rule, so the plan can say what each dropped.
    public var ignored: [(target: BuildTarget, rule: String)] = []
    /// Warnings found while reading (unsupported GoReleaser keys, …).
    public var warnings: [String] = []

    public init() {}
}
