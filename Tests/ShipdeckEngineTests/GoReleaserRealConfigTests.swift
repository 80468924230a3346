import Foundation
import Testing

@testable import ShipdeckEngine

/// Six real projects' `.goreleaser.yml` (Tests/Fixtures/goreleaser-configs, each with its origin in
/// its first lines): v1 and v2 styles, several builds, hooks, templates, v1 `replacements`.
///
/// How the expected lists were worked out (by hand, from GoReleaser's source, not from Shipdeck):
/// - targets: `internal/builders/golang/targets.go` — goos × goarch × the variant lists (GOARM
///   default "6", GOAMD64 "v1"), minus `ignore:` rules, minus pairs not in GoReleaser's
///   `validTargets` (darwin/386, darwin/arm, windows/arm, freebsd/riscv64 … are dropped);
/// - archive names: `internal/pipe/archive/archive.go` — one archive per (archive × platform), the
///   name template rendered with the platform's first binary (`WithArtifact`), `.` + format
///   appended, `format_overrides` matched by GOOS prefix, `format: binary` names + `.exe`; v1
///   `replacements` applied to `.Os .Arch .Arm .Mips .Amd64` (GoReleaser ≤ 1.18, `tmpl.go`
///   `WithArtifactReplacements`); default template `{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}…`;
/// - entries: `internal/archivefiles` — `files:` globbed, sorted by destination, then the binaries
///   (their artifact names, `bin/gh`), everything under `wrap_in_directory`; default files
///   `license* LICENSE* readme* README* changelog* CHANGELOG*`;
/// - checksums file: `internal/pipe/checksums` — the name template, default `{{ .ProjectName }}_{{ .Version }}_checksums.txt`.
/// The version is 1.2.3 (tag v1.2.3 at HEAD) in every case.
@Suite struct GoReleaserRealConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/goreleaser-configs")

    static let modules = [
        "cli": "github.com/cli/cli", "cosign": "github.com/sigstore/cosign", "fzf": "github.com/junegunn/fzf",
        "task": "github.com/go-task/task/v3", "blocky": "github.com/0xERR0R/blocky",
        "glow": "github.com/charmbracelet/glow",
    ]

    static let toolchain: GoToolchain? = try? GoToolchain.inspect(
        path: "/usr/local/bin/go", environment: PlanBuilder.baseEnvironment(ProcessInfo.processInfo.environment),
        directory: root.path)

    func plan(_ name: String, env: [String: String] = [:], remote: String? = nil) throws -> BuildPlan {
        let dir = Self.root.appendingPathComponent(name)
        let file = dir.appendingPathComponent(".goreleaser.yml")
        var config = try GoReleaserImport.parse(
            try String(contentsOf: file, encoding: .utf8), file: file.path, defaultProject: "unused")
        config.goreleaser?.git.url = remote ?? "https://github.com/\(Self.modules[name]!.split(separator: "/")[1...2].joined(separator: "/")).git"
        var options = PlanOptions(moduleDirectory: dir, environment: ["PATH": "/usr/bin:/bin"].merging(env) { $1 })
        options.distDirectory = URL(fileURLWithPath: "/tmp/shipdeck-goreleaser-configs-dist")
        let source = SourceInfo(
            moduleDirectory: dir.path, modulePath: Self.modules[name]!,
            commit: "0123456789abcdef0123456789abcdef01234567", exactTag: "v1.2.3", commitTime: 1_700_000_000)
        let toolchain = try #require(Self.toolchain, "needs /usr/local/bin/go (scripts/bootstrap installs it)")
        return try PlanBuilder.plan(config: config, source: source, toolchain: toolchain, options: options)
    }

    /// A wrapping directory or a files dst that climbs out of the archive fails the plan; a file where
    /// another entry needs a folder fails the archive.
    @Test func archivePathsThatLeaveTheArchiveAreRefused() throws {
        let toolchain = try #require(Self.toolchain, "needs /usr/local/bin/go (scripts/bootstrap installs it)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("goreleaser-escape-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "module example.com/tool\n\ngo 1.22\n".write(to: dir.appendingPathComponent("go.mod"), atomically: true, encoding: .utf8)
        try "package main\n\nfunc main() {}\n".write(to: dir.appendingPathComponent("main.go"), atomically: true, encoding: .utf8)
        for (archive, fragment) in [
            ("wrap_in_directory: \"../{{ .ProjectName }}\"", "archives[0].wrap_in_directory: the archive entry '../tool/x'"),
            ("files: [{ src: go.mod, dst: \"..\\\\up\" }]", "archives[0].files[0].dst: the archive entry '..\\up/x'"),
        ] {
            let yaml = "version: 2\nproject_name: tool\nbuilds: [{ goos: [linux], goarch: [amd64] }]\narchives:\n  - \(archive)\n"
            var config = try GoReleaserImport.parse(yaml, file: dir.appendingPathComponent(".goreleaser.yaml").path, defaultProject: "tool")
            config.goreleaser?.git.url = "https://github.com/example/tool.git"
            var options = PlanOptions(moduleDirectory: dir, environment: ["PATH": "/usr/bin:/bin"])
            options.distDirectory = dir.appendingPathComponent("dist")
            let source = SourceInfo(moduleDirectory: dir.path, modulePath: "example.com/tool", commit: nil, exactTag: "v1.0.0", commitTime: nil)
            let error = #expect(throws: ShipdeckError.self) {
                try PlanBuilder.plan(config: config, source: source, toolchain: toolchain, options: options)
            }
            #expect(error?.message.contains(fragment) == true, "\(String(describing: error?.message))")
        }
        let clash = [GoReleaserArchiveEntries.Entry(path: "tool", source: URL(fileURLWithPath: "/bin/true"), mode: 0o755),
                     GoReleaserArchiveEntries.Entry(path: "tool/README.md", source: URL(fileURLWithPath: "/bin/true"), mode: 0o644)]
        #expect(throws: ShipdeckError.self) {
            try GoReleaserArchiveEntries.write(clash, format: "tar.gz", mtime: 0, to: dir.appendingPathComponent("x.tar.gz").path)
        }
    }

    /// The names a GitHub release of this plan would hold (archives, binary uploads, checksums file).
    func names(_ plan: BuildPlan) -> [String] { ConfigCheck.artifactNames(plan) }

    func entries(_ plan: BuildPlan, _ archive: String) throws -> [String] {
        let cell = try #require(plan.cells.first { $0.goreleaser?.archives.contains { $0.name == archive } == true })
        let planned = try #require(cell.goreleaser?.archives.first { $0.name == archive })
        return try GoReleaserArchiveEntries.evaluate(
            planned, moduleDirectory: plan.moduleDirectory, distDirectory: plan.distDirectory,
            binaries: [cell.id: URL(fileURLWithPath: "/bin/true")]
        ).map(\.path)
    }

    func unsupported(_ plan: BuildPlan) -> [String] { plan.config.goreleaser?.unsupported.map(\.path) ?? [] }

    // MARK: cli/cli — v1, three builds (macos, linux, windows) through YAML anchors and merge keys,
    // two archives selecting builds, v1 replacements, wrap_in_directory, before hooks, `time`.

    @Test func cliCLI() throws {
        let plan = try plan("cli")
        #expect(
            names(plan) == [
                "gh_1.2.3_checksums.txt", "gh_1.2.3_linux_386.tar.gz", "gh_1.2.3_linux_amd64.tar.gz",
                "gh_1.2.3_linux_arm64.tar.gz", "gh_1.2.3_linux_armv6.tar.gz", "gh_1.2.3_macOS_amd64.tar.gz",
                "gh_1.2.3_windows_386.zip", "gh_1.2.3_windows_amd64.zip",
            ])
        #expect(
            plan.cells.map(\.id) == [
                "macos:darwin/amd64", "linux:linux/386", "linux:linux/arm/6", "linux:linux/amd64", "linux:linux/arm64",
                "windows:windows/386", "windows:windows/amd64",
            ])
        #expect(
            try entries(plan, "gh_1.2.3_macOS_amd64.tar.gz") == [
                "gh_1.2.3_macOS_amd64/LICENSE", "gh_1.2.3_macOS_amd64/share/man/man1/gh-pr.1",
                "gh_1.2.3_macOS_amd64/share/man/man1/gh.1", "gh_1.2.3_macOS_amd64/bin/gh",
            ])
        #expect(try entries(plan, "gh_1.2.3_windows_amd64.zip") == ["LICENSE", "bin/gh.exe"])
        #expect(unsupported(plan) == ["release"])
        // nfpms: becomes packages: a .deb and an .rpm per Linux cell, with nfpm's keys.
        let packages = try #require(plan.packages)
        #expect(packages.bindir == "/usr" && packages.license == "MIT" && packages.homepage == "https://github.com/cli/cli")
        let linux = plan.cells.filter { $0.info.target.goos == "linux" }
        #expect(!linux.isEmpty)
        for cell in linux {
            #expect(Set((packages.outputs[cell.id] ?? []).map(\.format)) == [.deb, .rpm], "\(cell.id)")
        }
        // The merged build defaults: main, binary and both ldflags entries (`time` reads SOURCE_DATE_EPOCH).
        let mac = try #require(plan.cell("macos:darwin/amd64"))
        #expect(mac.goreleaser?.mainPackage == "./cmd/gh")
        #expect(mac.goreleaser?.distPath == "macos_darwin_amd64_v1/bin/gh")
        #expect(
            mac.buildArguments.last
                == "-ldflags=-s -w -X github.com/cli/cli/internal/build.Version=1.2.3 -X github.com/cli/cli/internal/build.Date=2023-11-14 -X main.updaterEnabled=cli/cli -buildid=")
        #expect(plan.goreleaser?.beforeHooks.map(\.arguments) == [["go", "mod", "tidy"], ["make", "manpages"]])
        #expect(plan.cell("linux:linux/arm/6")?.cellEnvironment["GOARM"] == "6")
    }

    // MARK: sigstore/cosign — v1, seven builds with templated binaries, pre hooks, format: binary.

    @Test func cosign() throws {
        let plan = try plan("cosign", env: ["LDFLAGS": "-s -w -X main.v=1.2.3"])
        #expect(
            names(plan) == [
                "cosign-darwin-amd64", "cosign-darwin-arm64", "cosign-linux-amd64", "cosign-linux-arm",
                "cosign-linux-arm64", "cosign-linux-pivkey-pkcs11key-amd64", "cosign-linux-ppc64le",
                "cosign-linux-s390x", "cosign-windows-amd64.exe", "cosign_checksums.txt", "cosigned-linux-amd64",
                "cosigned-linux-arm", "cosigned-linux-arm64", "cosigned-linux-ppc64le", "cosigned-linux-s390x",
                "sget-darwin-amd64", "sget-darwin-arm64", "sget-linux-amd64", "sget-linux-arm", "sget-linux-arm64",
                "sget-linux-ppc64le", "sget-linux-s390x", "sget-windows-amd64.exe",
            ])
        #expect(
            unsupported(plan) == [
                "gomod", "builds[0].no_unique_dist_dir", "builds[2].no_unique_dist_dir", "builds[3].no_unique_dist_dir",
                "builds[4].no_unique_dist_dir", "builds[5].no_unique_dist_dir", "builds[6].no_unique_dist_dir", "signs",
                "release", "rigs",
            ])
        let pivkey = try #require(plan.cell("linux-pivkey-pkcs11key-amd64:linux/amd64"))
        #expect(pivkey.goreleaser?.preHooks.map(\.arguments) == [["apt-get", "update"], ["apt-get", "-y", "install", "libpcsclite-dev"]])
        #expect(pivkey.cellEnvironment["PKG_CONFIG_PATH"] == "/usr/lib/x86_64-linux-gnu/pkgconfig/")
        #expect(pivkey.cellEnvironment["CGO_ENABLED"] == "1", "the top-level env applies where the build sets none")
        #expect(pivkey.buildArguments.contains("-tags=pivkey,pkcs11key"))
        #expect(pivkey.buildArguments.last == "-ldflags=-s -w -X main.v=1.2.3 -buildid=")
        #expect(plan.cell("linux:linux/arm/7")?.goreleaser?.binaryName == "cosign-linux-arm")
        // A format: binary file is the binary itself under its archive name.
        #expect(plan.cell("sget:windows/amd64")?.goreleaser?.archives.map(\.name) == ["sget-windows-amd64.exe"])
        #expect(throws: ShipdeckError.self) { try self.plan("cosign") }  // .Env.LDFLAGS unset: named at plan time
    }

    // MARK: junegunn/fzf — v2, a large matrix with GOARM 5/6/7, a templated name, no files found.

    @Test func fzf() throws {
        let plan = try plan("fzf")
        #expect(
            names(plan) == [
                "fzf-1.2.3-android_arm64.tar.gz", "fzf-1.2.3-darwin_amd64.tar.gz", "fzf-1.2.3-darwin_arm64.tar.gz",
                "fzf-1.2.3-freebsd_amd64.tar.gz", "fzf-1.2.3-linux_amd64.tar.gz", "fzf-1.2.3-linux_arm64.tar.gz",
                "fzf-1.2.3-linux_armv5.tar.gz", "fzf-1.2.3-linux_armv6.tar.gz", "fzf-1.2.3-linux_armv7.tar.gz",
                "fzf-1.2.3-linux_loong64.tar.gz", "fzf-1.2.3-linux_ppc64le.tar.gz", "fzf-1.2.3-linux_riscv64.tar.gz",
                "fzf-1.2.3-linux_s390x.tar.gz", "fzf-1.2.3-openbsd_amd64.tar.gz", "fzf-1.2.3-windows_amd64.zip",
                "fzf-1.2.3-windows_arm64.zip", "fzf_1.2.3_checksums.txt",
            ])
        #expect(try entries(plan, "fzf-1.2.3-linux_amd64.tar.gz") == ["fzf"])
        #expect(try entries(plan, "fzf-1.2.3-windows_amd64.zip") == ["fzf.exe"])
        #expect(unsupported(plan) == ["notarize", "release"])
        #expect(plan.cells.first?.id == "darwin/amd64", "one build: cell ids are the targets")
        #expect(plan.cell("linux/amd64")?.buildArguments.last == "-ldflags=-s -w -X main.version=1.2.3 -X main.revision=0123456 -buildid=")
    }

    // MARK: go-task/task — v2, {{ .Binary }} in the name, completion/**/* files, formats: [zip].

    @Test func task() throws {
        let plan = try plan("task")
        #expect(
            names(plan) == [
                "task_checksums.txt", "task_darwin_amd64.tar.gz", "task_darwin_arm64.tar.gz", "task_freebsd_386.tar.gz",
                "task_freebsd_amd64.tar.gz", "task_freebsd_arm.tar.gz", "task_freebsd_arm64.tar.gz",
                "task_linux_386.tar.gz", "task_linux_amd64.tar.gz", "task_linux_arm.tar.gz", "task_linux_arm64.tar.gz",
                "task_linux_riscv64.tar.gz", "task_windows_386.zip", "task_windows_amd64.zip", "task_windows_arm64.zip",
            ])
        #expect(
            try entries(plan, "task_linux_amd64.tar.gz") == [
                "LICENSE", "README.md", "completion/bash/task.bash", "completion/fish/task.fish", "completion/zsh/_task",
                "task",
            ])
        #expect(unsupported(plan) == ["gomod", "git", "brews", "winget", "cloudsmiths"])
        // `{{if .IsNightly}}…{{end}}` renders empty and is dropped, as GoReleaser drops empty ldflags.
        #expect(plan.cell("linux/amd64")?.buildArguments.last == "-ldflags=-s -w -buildid=")
        #expect(plan.info.project == "task", "project_name defaults to the origin remote's repository")
    }

    // MARK: 0xERR0R/blocky — v1 with replacements, `time` in ldflags, GoReleaser's default files.

    @Test func blocky() throws {
        let plan = try plan("blocky")
        #expect(
            names(plan) == [
                "blocky_1.2.3_FreeBSD_arm64.tar.gz", "blocky_1.2.3_FreeBSD_armv6.tar.gz",
                "blocky_1.2.3_FreeBSD_armv7.tar.gz", "blocky_1.2.3_FreeBSD_x86_64.tar.gz",
                "blocky_1.2.3_Linux_arm64.tar.gz", "blocky_1.2.3_Linux_armv6.tar.gz", "blocky_1.2.3_Linux_armv7.tar.gz",
                "blocky_1.2.3_Linux_x86_64.tar.gz", "blocky_1.2.3_NetBSD_arm64.tar.gz",
                "blocky_1.2.3_NetBSD_armv6.tar.gz", "blocky_1.2.3_NetBSD_armv7.tar.gz",
                "blocky_1.2.3_NetBSD_x86_64.tar.gz", "blocky_1.2.3_OpenBSD_arm64.tar.gz",
                "blocky_1.2.3_OpenBSD_armv6.tar.gz", "blocky_1.2.3_OpenBSD_armv7.tar.gz",
                "blocky_1.2.3_OpenBSD_x86_64.tar.gz", "blocky_1.2.3_Windows_x86_64.zip",
                "blocky_1.2.3_macOS_arm64.tar.gz", "blocky_1.2.3_macOS_x86_64.tar.gz", "blocky_checksums.txt",
            ])
        #expect(try entries(plan, "blocky_1.2.3_Linux_x86_64.tar.gz") == ["LICENSE", "README.md", "blocky"])
        #expect(unsupported(plan) == ["release", "changelog.use"], "changelog: is read; use: github is not")
        // GoReleaser's `time` is the wall clock; Shipdeck formats SOURCE_DATE_EPOCH with the same layout.
        #expect(plan.cell("linux/amd64")?.buildArguments.last?.contains("util.BuildTime=20231114-221320") == true)
    }

    // MARK: charmbracelet/glow — v1: top-level env, ldflags as one string, ignore by goarm alone.

    @Test func glow() throws {
        let plan = try plan("glow")
        #expect(
            names(plan) == [
                "checksums.txt", "glow_1.2.3_Darwin_arm64.tar.gz", "glow_1.2.3_Darwin_x86_64.tar.gz",
                "glow_1.2.3_Windows_i386.zip", "glow_1.2.3_Windows_x86_64.zip", "glow_1.2.3_freebsd_arm64.tar.gz",
                "glow_1.2.3_freebsd_armv7.tar.gz", "glow_1.2.3_freebsd_i386.tar.gz", "glow_1.2.3_freebsd_x86_64.tar.gz",
                "glow_1.2.3_linux_arm64.tar.gz", "glow_1.2.3_linux_armv7.tar.gz", "glow_1.2.3_linux_i386.tar.gz",
                "glow_1.2.3_linux_x86_64.tar.gz", "glow_1.2.3_netbsd_arm64.tar.gz", "glow_1.2.3_netbsd_armv7.tar.gz",
                "glow_1.2.3_netbsd_i386.tar.gz", "glow_1.2.3_netbsd_x86_64.tar.gz", "glow_1.2.3_openbsd_arm64.tar.gz",
                "glow_1.2.3_openbsd_armv7.tar.gz", "glow_1.2.3_openbsd_i386.tar.gz",
                "glow_1.2.3_openbsd_x86_64.tar.gz",
            ])
        #expect(
            try entries(plan, "glow_1.2.3_Windows_x86_64.zip") == ["CHANGELOG.md", "LICENSE", "README.md", "glow.exe"])
        #expect(unsupported(plan) == ["brews", "snapcrafts", "signs"])
        let linux = try #require(plan.cell("linux/amd64"))
        #expect(linux.cellEnvironment["GO111MODULE"] == "on")
        #expect(
            linux.buildArguments.last
                == "-ldflags=-s -w -X main.Version=v1.2.3 -X main.CommitSHA=0123456789abcdef0123456789abcdef01234567 -X main.CommitDate=2023-11-14T22:13:20Z -buildid=")
    }
}
