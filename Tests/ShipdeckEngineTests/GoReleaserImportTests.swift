import Foundation
import Testing

@testable import ShipdeckEngine

/// Reading `.goreleaser.yaml`: the fixture's config gives the artifact names GoReleaser documents;
/// the shipdeck.yml translation (`init --from-goreleaser`) plans the same single-build release.
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

    /// The config as `shipdeck release` reads it (planned by GoReleaserPlanner).
    func releaseConfig() throws -> ShipdeckConfig {
        try GoReleaserImport.parse(
            try String(contentsOf: Self.fixture.appendingPathComponent(".goreleaser.yaml"), encoding: .utf8),
            file: Self.fixture.appendingPathComponent(".goreleaser.yaml").path, defaultProject: "x")
    }

    /// The shipdeck.yml translation of the config.
    func importFixture() throws -> ShipdeckConfig {
        var config = try GoReleaserImport.translation(
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
        let plan = try plan(try releaseConfig())
        #expect(plan.info.project == "hello")
        #expect(
            plan.cells.flatMap { $0.goreleaser?.archives.map(\.name) ?? [] }.sorted() == [
                "hello_Darwin_arm64.tar.gz", "hello_Darwin_x86_64.tar.gz", "hello_Linux_arm64.tar.gz",
                "hello_Linux_armv7.tar.gz", "hello_Linux_x86_64.tar.gz", "hello_Windows_arm64.zip",
                "hello_Windows_x86_64.zip",
            ])
        #expect(plan.config.checksumName == "hello_1.2.3_checksums.txt")
        #expect(importFixtureFiles() == ["README.md", "LICENSE*"])
        let arm = try #require(plan.cell("linux/arm/7"))
        #expect(arm.cellEnvironment["GOARM"] == "7")
        #expect(arm.cellEnvironment["CGO_ENABLED"] == "0")
    }

    func importFixtureFiles() -> [String] { (try? importFixture().archive.files) ?? [] }

    /// An archive name template that gives an empty name, control characters or a path fails the
    /// plan, before anything is built (a `.tar.gz` alone would be a hidden file on the release page).
    @Test(arguments: [
        ("{{ trimprefix .ProjectName .ProjectName }}", "an empty name"), ("{{ .ProjectName }}\u{1b}[2J_{{ .Os }}", "control characters"),
        ("{{ .ProjectName }}\\{{ .Os }}", "not a file name"), ("-{{ .Os }}", "starts with '-'"),
    ])
    func badArchiveNamesFailThePlan(template: String, problem: String) throws {
        let base = "version: 2\nproject_name: hello\nbuilds: [{goos: [linux], goarch: [amd64]}]\n"
        for format in ["tar.gz", "binary"] {
            let escaped = template.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\u{1b}", with: "\\e")
            let text = base + "archives: [{formats: [\(format)], name_template: \"\(escaped)\"}]\n"
            let config = try GoReleaserImport.parse(text, file: ".goreleaser.yaml", defaultProject: "hello")
            do {
                _ = try plan(config)
                Issue.record("\(template) (\(format)) was planned")
            } catch let error as ShipdeckError {
                #expect(error.message.contains(problem), "\(format): \(error.message)")
                #expect(error.message.contains("the name template gives"), "\(error.message)")
            }
        }
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
        let plan = try plan(try releaseConfig())
        let cell = try #require(plan.cell("linux/arm64"))
        let ldflags = try #require(cell.buildArguments.last)
        #expect(ldflags.hasPrefix("-ldflags=-s -w"), "\(ldflags)")
        #expect(ldflags.components(separatedBy: "-X main.version=1.2.3").count - 1 == 1, "\(ldflags)")
        #expect(ldflags.contains("-X main.commit=0123456789abcdef0123456789abcdef01234567"))
        #expect(ldflags.contains("-X main.date=2023-11-14T22:13:20Z"))
        #expect(!ldflags.contains("{{"))
    }

    @Test func unsupportedKeysAreWarningsWithTheirPath() throws {
        // A release runs before hooks and build hooks, and imports the changelog (GoReleaserImport+Changelog.swift).
        let warnings = try releaseConfig().warnings.joined(separator: "\n")
        #expect(!warnings.contains("changelog"), "\(warnings)")
        #expect(!warnings.contains("before"))
        #expect(!warnings.contains("hooks"))
        #expect(!warnings.contains("mod_timestamp"))
        // shipdeck.yml has neither: the translation says so.
        let translated = try importFixture().warnings.joined(separator: "\n")
        #expect(translated.contains(": before is not supported"))
        #expect(translated.contains(": builds[0].hooks is not supported"))
    }

    @Test func defaultsFollowGoReleaser() throws {
        let config = try GoReleaserImport.parse("project_name: tool\n", file: ".goreleaser.yaml", defaultProject: "x")
        let plan = try plan(config)
        // goos linux/darwin/windows × goarch amd64/arm64/386, minus what this Go cannot build.
        #expect(
            plan.cells.map(\.id) == [
                "linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64",
            ])
        #expect(plan.cell("linux/amd64")?.goreleaser?.archives.map(\.name) == ["tool_1.2.3_linux_amd64.tar.gz"])
        #expect(plan.cell("windows/arm64")?.goreleaser?.archives.map(\.name) == ["tool_1.2.3_windows_arm64.tar.gz"])
        #expect(plan.config.checksumName == "tool_1.2.3_checksums.txt")
        // GoReleaser's default ldflags.
        #expect(
            plan.cell("linux/amd64")?.buildArguments.last
                == "-ldflags=-s -w -X main.version=1.2.3 -X main.commit=0123456789abcdef0123456789abcdef01234567 -X main.date=2023-11-14T22:13:20Z -X main.builtBy=goreleaser -buildid=")
    }

    @Test func badTemplatesFailThePlanWithTheirOrigin() throws {
        func config(_ name: String, goarch: String = "[amd64]") throws -> ShipdeckConfig {
            try GoReleaserImport.parse(
                """
                builds: [{goos: [linux], goarch: \(goarch)}]
                archives: [{name_template: "\(name)"}]
                """, file: ".goreleaser.yaml", defaultProject: "x")
        }
        #expect { try plan(try config("{{ .ProjectName }}_{{ .Os")) } throws: {
            "\($0)".contains("unclosed '{{'") && "\($0)".contains("archives[0].name_template")
        }
        #expect { try plan(try config("{{ .ProjectName }}_{{ .Platform }}")) } throws: {
            "\($0)".contains("unknown template field '.Platform'")
        }
        #expect { try plan(try config("{{ .ProjectName }}_{{ .ReleaseNotes }}")) } throws: {
            "\($0)".contains("GoReleaser's field '.ReleaseNotes' is not supported by Shipdeck")
        }
        #expect { try plan(try config("{{ readFile \\\"x\\\" }}")) } throws: {
            "\($0)".contains("GoReleaser's 'readFile' function is not supported")
        }
        #expect { try plan(try config("{{ .ProjectName }}", goarch: "[amd64, arm64]")) } throws: {
            "\($0)".contains("would both write hello.tar.gz")
        }
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

    @Test func typosInSectionsShipdeckReadsAreErrorsWithASuggestion() {
        #expect { try GoReleaserImport.parse("builds: [{goarhc: [amd64]}]\n", file: ".goreleaser.yaml", defaultProject: "x") }
            throws: { "\($0)".contains("unknown key 'goarhc'") && "\($0)".contains("did you mean 'goarch'?") }
        #expect { try GoReleaserImport.parse("version: 3\n", file: ".goreleaser.yaml", defaultProject: "x") }
            throws: { "\($0)".contains("version '3' is not known") }
    }
}

/// A misspelt top-level section would release with GoReleaser's defaults for it; it is an error
/// that names the section it looks like. Sections Shipdeck does not read stay warnings.
@Suite struct GoReleaserTopLevelTypoTests {
    @Test func aTypoOfASectionIsAnErrorWithTheSectionItLooksLike() throws {
        for (typo, meant) in [("archivs", "archive"), ("buidls", "builds"), ("chcksum", "checksum")] {
            let text = "version: 2\nproject_name: hello\n\(typo):\n  - id: x\n"
            do {
                _ = try GoReleaserProject.read(text, file: ".goreleaser.yaml")
                Issue.record("\(typo) was accepted")
            } catch let error as ShipdeckError {
                #expect(error.message.contains("'\(typo)' is not a GoReleaser key"), "\(error.message)")
                #expect(error.hint?.contains("did you mean '\(meant)'") == true, "\(error.hint ?? "")")
            }
        }
        let fine = "version: 2\nproject_name: hello\nkos:\n  - id: x\nmonorepo:\n  tag_prefix: a/\nx-anchors: 1\n"
        let project = try GoReleaserProject.read(fine, file: ".goreleaser.yaml")
        #expect(project.unsupported.contains { $0.path == "kos" })
    }

    @Test func aMisspeltGoosOrGoarchIsAnErrorNotADroppedPort() throws {
        let suite = GoReleaserImportTests()
        for (lists, named, meant) in [
            ("goos: [linux, darwn]\n    goarch: [amd64]", "goos 'darwn'", "darwin"),
            ("goos: [linux]\n    goarch: [amd46]", "goarch 'amd46'", "amd64"),
        ] {
            let text = "version: 2\nproject_name: hello\nbuilds:\n  - id: cli\n    \(lists)\n"
            let config = try GoReleaserImport.parse(text, file: ".goreleaser.yaml", defaultProject: "hello")
            do {
                _ = try suite.plan(config)
                Issue.record("\(named) was planned")
            } catch let error as ShipdeckError {
                #expect(error.message.contains("\(named) is not a name Go knows"), "\(error.message)")
                #expect(error.hint?.contains("did you mean '\(meant)'") == true, "\(error.hint ?? "")")
            }
        }
    }

    /// A misspelt GOOS/GOARCH in builds[].ignore or archives[].format_overrides would match nothing
    /// and drop no target / change no format: an error naming the key, in the planner's reading and in
    /// `init --from-goreleaser`'s. A format_overrides goos is a prefix in GoReleaser (`win`): kept.
    @Test func aMisspeltGoosInIgnoreOrFormatOverridesIsAnError() throws {
        for (section, key, meant) in [
            ("builds:\n  - id: cli\n    goos: [linux, windows]\n    ignore:\n      - goos: windwos\n", "builds[0].ignore[0].goos", "windows"),
            ("builds:\n  - id: cli\n    goos: [linux]\n    ignore:\n      - goos: linux\n        goarch: amd46\n",
             "builds[0].ignore[0].goarch", "amd64"),
            ("archives:\n  - format_overrides:\n      - goos: windwos\n        formats: [zip]\n",
             "archives[0].format_overrides[0].goos", "windows"),
        ] {
            let text = "version: 2\nproject_name: hello\n" + section
            for read in [{ _ = try GoReleaserProject.read(text, file: ".goreleaser.yaml") },
                         { _ = try GoReleaserImport.parse(text, file: ".goreleaser.yaml", defaultProject: "hello") }] {
                do {
                    try read()
                    Issue.record("\(key) was accepted")
                } catch let error as ShipdeckError {
                    #expect(error.message.contains("is not a GO"), "\(error.message)")
                    #expect(error.message.contains(key.split(separator: ".").last.map(String.init) ?? key), "\(error.message)")
                    #expect(error.hint?.contains("did you mean '\(meant)'") == true, "\(error.hint ?? "")")
                }
            }
        }
        let prefix = "version: 2\nproject_name: hello\narchives:\n  - format_overrides:\n      - goos: win\n        formats: [zip]\n"
        _ = try GoReleaserProject.read(prefix, file: ".goreleaser.yaml")
    }

    @Test func aBuildIdThatIsNotAPlainNameIsRefused() throws {
        for id in ["../../etc", "a/b", "", ".hidden", "x y", "-rf"] {
            let text = "version: 2\nproject_name: hello\nbuilds:\n  - id: '\(id)'\n    goos: [linux]\n"
            do {
                _ = try GoReleaserProject.read(text, file: ".goreleaser.yaml")
                Issue.record("id '\(id)' was accepted")
            } catch let error as ShipdeckError {
                #expect(error.message.contains("is not a plain id"), "\(error.message)")
            }
        }
        let project = try GoReleaserProject.read(
            "version: 2\nbuilds:\n  - id: server-linux_1.0\n", file: ".goreleaser.yaml")
        #expect(project.builds.map(\.id) == ["server-linux_1.0"])
    }

    /// `init --from-goreleaser` writes out what GoReleaser does where the config is silent: its
    /// ldflags and its README/LICENSE/CHANGELOG archive files (the patterns that match here).
    @Test func theTranslationCarriesGoReleasersDefaultLdflagsAndFiles() throws {
        let module = FileManager.default.temporaryDirectory.appendingPathComponent("gr-defaults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: module, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: module) }
        for name in ["README.md", "LICENSE", "main.go"] {
            try Data("x".utf8).write(to: module.appendingPathComponent(name))
        }
        let file = module.appendingPathComponent(".goreleaser.yaml")
        try "version: 2\nbuilds:\n  - goos: [linux]\n    goarch: [amd64]\narchives:\n  - formats: [tar.gz]\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let config = try GoReleaserImport.translation(file, defaultProject: "hello", environment: [:])
        #expect(config.archive.files == ["LICENSE*", "README*"], "\(config.archive.files)")
        #expect(
            config.ldflags == ["-X main.commit={{.Commit}}", "-X main.date={{.Date}}", "-X main.builtBy=goreleaser"],
            "\(config.ldflags)")
        // Given ones are kept as they are.
        try "version: 2\nbuilds:\n  - ldflags: ['-X main.x=1']\narchives:\n  - files: [NOTES*]\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let given = try GoReleaserImport.translation(file, defaultProject: "hello", environment: [:])
        #expect(given.archive.files == ["NOTES*"] && given.ldflags == ["-X main.x=1"], "\(given.ldflags)")
    }
}
