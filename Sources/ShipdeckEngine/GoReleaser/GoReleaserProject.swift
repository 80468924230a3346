import Foundation

/// A `.goreleaser.yaml`, read into values with GoReleaser's defaults applied where the file says
/// nothing (GoReleaser v2's `Default()` of each pipe; a file without `version: 2` is read as v1,
/// which also accepts v1's `archives[].replacements`). `GoReleaserPlanner` turns it into cells.
///
/// Everything the file sets that Shipdeck does not do is in `unsupported`, with its path and what
/// Shipdeck does instead (`shipdeck check` prints them); nothing is dropped silently.
package struct GoReleaserProject: Sendable {
    /// One command of `before.hooks` or `builds[].hooks.pre/post`.
    package struct Hook: Sendable, Hashable {
        /// The command line (a template), split like a shell would (no shell runs it).
        package var command: String
        package var directory: String?
        /// `KEY=VALUE` templates, added to the hook's environment.
        package var env: [String] = []
        /// Where the hook came from (`before.hooks[0]`), for errors and the log.
        package var origin: String
    }

    /// `builds[]`: one Go main package built for a list of targets.
    package struct Build: Sendable {
        package var id: String
        package var main = "."
        /// The directory `go build` runs in (`dir:`), relative to the project.
        package var directory = "."
        /// The binary name, a template (`app-{{ .Os }}-{{ .Arch }}`); `.exe` is added for windows.
        package var binary: String
        package var goos: [String] = ["linux", "darwin", "windows"]
        package var goarch: [String] = ["amd64", "arm64", "386"]
        /// `goarm:`, `goamd64:` … with GoReleaser's defaults (`6`, `v1`, `sse2`, `v8.0`, `hardfloat`, …).
        package var variants: [String: [String]] = GoReleaserProject.defaultVariants
        /// `targets:` as written (`linux_amd64_v1`), when set: then goos/goarch/ignore do not apply.
        package var targets: [String]?
        package var ignore: [[String: String]] = []
        /// `env:` entries in order (templates; later ones see earlier ones).
        package var env: [String] = []
        package var flags: [String] = []
        /// nil: GoReleaser's default `-s -w -X main.version=… -X main.commit=… -X main.date=… -X main.builtBy=goreleaser`.
        package var ldflags: [String]?
        package var tags: [String] = []
        package var asmflags: [String] = []
        package var gcflags: [String] = []
        package var buildmode: String?
        package var preHooks: [Hook] = []
        package var postHooks: [Hook] = []
        /// `skip:` (a template that renders `true` to leave the build out).
        package var skip: String?
    }

    /// One entry of an archive's `files:`.
    package struct FileSpec: Sendable, Hashable {
        package var source: String
        package var destination = ""
        package var stripParent = false
        /// `info.mode`, when set.
        package var mode: UInt16?
        /// GoReleaser's default globs (license*, readme*, changelog*): no warning when they match nothing.
        package var isDefault = false
    }

    /// `archives[]`.
    package struct Archive: Sendable {
        package var id = "default"
        /// Build ids whose binaries go in (`ids:`, v1 `builds:`); empty means every build.
        package var ids: [String] = []
        package var formats: [String] = ["tar.gz"]
        package var formatOverrides: [(goos: String, formats: [String])] = []
        package var nameTemplate: String
        /// `wrap_in_directory`: "true" (named like the archive), "false"/nil, or a template.
        package var wrapInDirectory: String?
        package var stripBinaryDirectory = false
        package var files: [FileSpec] = GoReleaserProject.defaultFiles
        /// v1's `replacements:` (applied to .Os .Arch .Arm .Mips .Amd64 in this archive's names).
        package var replacements: [String: String] = [:]
        package var allowDifferentBinaryCount = false
        /// `builds_info.mode` of the binaries inside, 0755 by default.
        package var binaryMode: UInt16 = 0o755

        /// The formats for one GOOS: the first `format_overrides` entry whose goos is a prefix of it.
        package func formats(for goos: String) -> [String] {
            formatOverrides.first { !$0.goos.isEmpty && !$0.formats.isEmpty && goos.hasPrefix($0.goos) }?.formats ?? formats
        }
    }

    package struct Unsupported: Sendable, Hashable {
        /// The key's path (`builds[1].overrides`, `nfpms`).
        package var path: String
        /// What Shipdeck does instead.
        package var instead: String
    }

    package var file: String
    /// 2 with `version: 2`, else 1.
    package var schemaVersion = 1
    package var projectName: String?
    /// `release.github.name`: GoReleaser's project name when `project_name` is not set.
    package var releaseName: String?
    /// Top-level `env:` in order (templates).
    package var env: [String] = []
    package var dist: String?
    package var beforeHooks: [Hook] = []
    package var builds: [Build] = []
    package var archives: [Archive] = []
    package var checksumName = "{{ .ProjectName }}_{{ .Version }}_checksums.txt"
    /// `checksum.ids`: archive (or build) ids whose files are listed; empty means all.
    package var checksumIDs: [String] = []
    package var checksumDisabled = false
    /// `snapshot.version_template` (v1 `name_template`).
    package var snapshotTemplate = "{{ .Version }}-SNAPSHOT-{{ .ShortCommit }}"
    package var unsupported: [Unsupported] = []
    /// Git facts for templates, read by `GoReleaserImport.load` (empty when parsed from text only).
    package var git = GoReleaserGitFacts()

    package init(file: String) { self.file = file }

    // MARK: GoReleaser's defaults

    package static let defaultLdflags = [
        "-s -w -X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}} -X main.builtBy=goreleaser"
    ]
    package static let defaultVariants: [String: [String]] = [
        "goamd64": ["v1"], "go386": ["sse2"], "goarm": ["6"], "goarm64": ["v8.0"], "gomips": ["hardfloat"],
        "goppc64": ["power8"], "goriscv64": ["rva20u64"],
    ]
    /// The variant GoReleaser gives a target written without one (`linux_amd64` → `linux_amd64_v1`).
    package static let defaultVariant: [String: String] = [
        "amd64": "v1", "386": "sse2", "arm": "6", "arm64": "v8.0", "mips": "hardfloat", "mipsle": "hardfloat",
        "mips64": "hardfloat", "mips64le": "hardfloat", "ppc64": "power8", "ppc64le": "power8", "riscv64": "rva20u64",
    ]
    /// The variant key (`goarm:`) of each GOARCH.
    package static let variantKey: [String: String] = [
        "amd64": "goamd64", "386": "go386", "arm": "goarm", "arm64": "goarm64", "mips": "gomips", "mipsle": "gomips",
        "mips64": "gomips", "mips64le": "gomips", "ppc64": "goppc64", "ppc64le": "goppc64", "riscv64": "goriscv64",
    ]
    package static let defaultFiles = ["license*", "LICENSE*", "readme*", "README*", "changelog*", "CHANGELOG*"].map {
        FileSpec(source: $0, isDefault: true)
    }
    static let suffix =
        #"{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}{{ with .Mips }}_{{ . }}{{ end }}{{ if not (eq .Amd64 "v1") }}{{ .Amd64 }}{{ end }}"#
    package static let defaultArchiveName = "{{ .ProjectName }}_" + suffix
    package static let defaultBinaryArchiveName = "{{ .Binary }}_" + suffix

    /// The formats Shipdeck writes (`none` writes nothing for that GOOS).
    package static let writableFormats: Set<String> = ["tar.gz", "tgz", "zip", "binary", "none"]
}
