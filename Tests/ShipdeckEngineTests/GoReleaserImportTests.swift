import Foundation
import Testing

@testable import ShipdeckEngine

/// Reading `.goreleaser.yaml`: the fixture's config gives the artifact names GoReleaser documents.
@Suite struct GoReleaserImportTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/goreleaser-hello")

    let toolchain = GoToolchain(
        path: "/usr/local/bin/go", version: "go1.27.3",
        ports: [
            "linux/amd64": true, "linux/arm64": true, "linux/arm": true, "darwin/amd64": true, "darwin/arm64": true,
            "windows/amd64": true, "windows/arm64": true, "windows/arm": false,
        ],
        hostTarget: BuildTarget(goos: "linux", goarch: "amd64"))

    func importFixture() throws -> ShipdeckConfig {
        var config = try GoReleaserImport.load(
            Self.fixture.appendingPathComponent(".goreleaser.yaml"), defaultProject: "x",
            environment: [:])
        GoReleaserImport.dropUnknownPorts(&config, toolchain: toolchain)
        return config
    }

    func plan(_ config: ShipdeckConfig) throws -> BuildPlan {
        var options = PlanOptions(
            moduleDirectory: Self.fixture, versionOverride: "1.2.3", environment: ["PATH": "/usr/bin"])
        options.distDirectory = URL(fileURLWithPath: "/tmp/dist")
        let source = SourceInfo(
            moduleDirectory: Self.fixture.path, modulePath: "example.com/hello",
            commit: "0123456789abcdef0123456789abcdef01234567", exactTag: "v1.2.3", commitTime: 1_700_000_000)
        return try PlanBuilder.plan(config: config, source: source, toolchain: toolchain, options: options)
    }

    @Test func fixtureGivesGoReleasersArchiveNames() throws {
        let plan = try plan(try importFixture())
        #expect(plan.info.project == "hello")
        #expect(
            plan.cells.compactMap(\.archiveName).sorted() == [
                "hello_Darwin_arm64.tar.gz", "hello_Darwin_x86_64.tar.gz", "hello_Linux_arm64.tar.gz",
                "hello_Linux_armv7.tar.gz", "hello_Linux_x86_64.tar.gz", "hello_Windows_arm64.zip",
                "hello_Windows_x86_64.zip",
            ])
        #expect(plan.config.checksumName == "hello_1.2.3_checksums.txt")
        #expect(plan.config.archive.files == ["README.md", "LICENSE*"])
        let arm = try #require(plan.cell("linux/arm/7"))
        #expect(arm.cellEnvironment["GOARM"] == "7")
        #expect(arm.cellEnvironment["CGO_ENABLED"] == "0")
    }

    @Test func ignoreRulesAndUnknownPortsAreListedWithTheirRule() throws {
        let config = try importFixture()
        let dropped = config.ignored.map { "\($0.target) \($0.rule)" }.sorted()
        #expect(
            dropped == [
                "darwin/arm/6 {goarch: arm, goos: darwin}", "darwin/arm/7 {goarch: arm, goos: darwin}",
                "linux/arm/6 {goarch: arm, goarm: 6, goos: linux}",
                "windows/arm/6 {goarch: arm, goos: windows}", "windows/arm/7 {goarch: arm, goos: windows}",
            ])
    }

    @Test func templatesInLdflagsAreExpandedPerCell() throws {
        let plan = try plan(try importFixture())
        let cell = try #require(plan.cell("linux/arm64"))
        let ldflags = try #require(cell.buildArguments.last)
        #expect(ldflags.components(separatedBy: "-X main.version=1.2.3").count - 1 == 1, "\(ldflags)")
        #expect(ldflags.contains("-X main.commit=0123456789abcdef0123456789abcdef01234567"))
        #expect(ldflags.contains("-X main.date=2023-11-14T22:13:20Z"))
        #expect(!ldflags.contains("{{"))
    }

    @Test func unsupportedKeysAreWarningsWithTheirPath() throws {
        let warnings = try importFixture().warnings.joined(separator: "\n")
        #expect(warnings.contains(": before is not supported"))
        #expect(!warnings.contains("changelog"), "changelog: is imported (GoReleaserImport+Changelog.swift)")
        #expect(warnings.contains(": builds[0].hooks is not supported"))
        #expect(!warnings.contains("mod_timestamp"))
    }

    @Test func defaultsFollowGoReleaser() throws {
        var config = try GoReleaserImport.parse("project_name: tool\n", file: ".goreleaser.yaml", defaultProject: "x")
        GoReleaserImport.dropUnknownPorts(&config, toolchain: toolchain)
        // goos darwin/linux/windows × goarch 386/amd64/arm64, minus what this Go cannot build.
        #expect(
            config.targets.map(\.target.description) == [
                "darwin/amd64", "darwin/arm64", "linux/amd64", "linux/arm64", "windows/amd64", "windows/arm64",
            ])
        let plan = try plan(config)
        #expect(plan.cell("linux/amd64")?.archiveName == "tool_1.2.3_linux_amd64.tar.gz")
        #expect(plan.cell("windows/arm64")?.archiveName == "tool_1.2.3_windows_arm64.tar.gz")
        #expect(plan.config.checksumName == "tool_1.2.3_checksums.txt")
    }

    @Test func badTemplatesFailThePlanWithTheirOrigin() throws {
        var config = try GoReleaserImport.parse(
            """
            builds: [{goos: [linux], goarch: [amd64]}]
            archives: [{name_template: "{{ .ProjectName }}_{{ .Os"}]
            """, file: ".goreleaser.yaml", defaultProject: "x")
        #expect { try plan(config) } throws: {
            "\($0)".contains("unclosed '{{'") && "\($0)".contains("archive name_template")
        }
        config.archive.nameTemplate = "{{ .ProjectName }}_{{ .Platform }}"
        #expect { try plan(config) } throws: { "\($0)".contains("unknown template field '.Platform'") }
        config.archive.nameTemplate = "{{ .ProjectName }}"
        config.targets.append(TargetConfig(target: BuildTarget(goos: "linux", goarch: "arm64")))
        #expect { try plan(config) } throws: { "\($0)".contains("would both write hello.tar.gz") }
    }

    @Test func translatedShipdeckYmlPlansTheSameRelease() throws {
        let imported = try importFixture()
        let text = ShipdeckConfigWriter.yaml(imported)
        let reread = try ConfigReader(file: "shipdeck.yml").parse(text)
        let a = try plan(imported), b = try plan(reread)
        #expect(a.cells.map(\.id) == b.cells.map(\.id))
        #expect(a.cells.map(\.archiveName) == b.cells.map(\.archiveName))
        #expect(a.cells.map(\.buildArguments) == b.cells.map(\.buildArguments))
        #expect(a.config.checksumName == b.config.checksumName)
        #expect(text.contains("changelog:\n  sort: asc\n"), "\(text)")
        #expect(a.config.changelog == b.config.changelog)
    }

    @Test func ldflagsKeepTemplatesAndQuotesTogetherAndDropShipdecksOwn() {
        let flags = GoReleaserImport.splitFlags(
            "-s -w -X main.version={{ .Version }} -X 'main.msg=hello world' -linkmode=internal")
        #expect(
            flags == [
                "-s", "-w", "-X", "main.version={{ .Version }}", "-X", "'main.msg=hello world'", "-linkmode=internal",
            ])
        #expect(
            GoReleaserImport.dropDuplicateDefaults(flags, versionVariable: "main.version")
                == ["-X 'main.msg=hello world'", "-linkmode=internal"])
    }

    @Test func otherChecksumAlgorithmsAreRejected() {
        #expect(throws: ShipdeckError.self) {
            try GoReleaserImport.parse("checksum: {algorithm: sha512}\n", file: ".goreleaser.yaml", defaultProject: "x")
        }
    }
}
