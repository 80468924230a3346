import Foundation
import Testing

@testable import ShipdeckEngine

/// GoReleaser's template fields and functions (internal/tmpl), GoReleaser's config discovery and
/// snapshots; values as GoReleaser's Go code computes them.
@Suite struct GoReleaserTemplateFunctionTests {
    func render(_ text: String, fields: [String: String] = ["Version": "1.2.3", "Tag": "v1.2.3"], env: [String: String] = ["A": "x"])
        throws -> String
    {
        var context = GoTemplate.Context(fields: fields, env: env)
        context.values = ["Now": .time(1_700_000_000), "Major": .int(1), "IsSnapshot": .bool(false)]
        context.now = 1_700_000_000
        return try GoTemplate(text).render(context)
    }

    @Test func goTimeLayoutsFormatTheReleaseTime() throws {
        // 1700000000 = Tuesday 2023-11-14 22:13:20 UTC.
        #expect(try render(#"{{ .Now.Format "2006-01-02T15:04:05Z07:00" }}"#) == "2023-11-14T22:13:20Z")
        #expect(try render(#"{{ time "20060102-150405" }}"#) == "20231114-221320")
        #expect(try render(#"{{ .Now.Format "Mon Jan _2 3:04PM 06" }}"#) == "Tue Nov 14 10:13PM 23")
        #expect(try render("{{ .Now.Year }}-{{ .Now.Unix }}") == "2023-1700000000")
        #expect(GoTimeFormat.rfc3339(0) == "1970-01-01T00:00:00Z")
    }

    @Test func semverIncrementsAsMasterminds() throws {
        #expect(try render("{{ incpatch .Version }} {{ incminor .Version }} {{ incmajor .Tag }}") == "1.2.4 1.3.0 v2.0.0")
        #expect(try render("{{ incpatch .Version }}", fields: ["Version": "1.2.3-rc.1"]) == "1.2.3")
        #expect(throws: ShipdeckError.self) { try render("{{ incpatch .Version }}", fields: ["Version": "main"]) }
    }

    @Test func stringListAndMapFunctions() throws {
        #expect(try render(#"{{ index (split .Version ".") 1 }}"#) == "2")
        #expect(try render(#"{{ len (split .Version ".") }}"#) == "3")
        #expect(try render(#"{{ if contains .Tag "v1" }}one{{ end }}"#) == "one")
        #expect(try render(#"{{ trim "  a b  " }}|{{ title "hello wORLD" }}"#) == "a b|Hello World")
        #expect(try render(#"{{ printf "%s-%03d" .Version 7 }}"#) == "1.2.3-007")
        #expect(try render(#"{{ envOrDefault "B" "def" }} {{ envOrDefault "A" "def" }} {{ isEnvSet "A" }}"#) == "def x true")
        #expect(try render(#"{{ indexOrDefault (map "a" "1") "b" "none" }}"#) == "none")
        #expect(try render(#"{{ englishJoin (list "a" "b" "c") }}"#) == "a, b, and c")
        #expect(try render(#"{{ base "a/b/c.txt" }} {{ dir "a/b/c.txt" }}"#) == "c.txt a/b")
        #expect(try render("{{ if gt .Major 0 }}stable{{ end }} {{ .IsSnapshot }}") == "stable false")
        // A pipe passes its value as the last argument, as Go's text/template does: replace "." "_" "1.2.3".
        #expect(try render(#"{{ .Version | replace "." "_" }}"#) == ".")
    }

    @Test func unsupportedFieldsAndFunctionsAreNamed() {
        #expect { try render("{{ .ReleaseNotes }}") } throws: { "\($0)".contains("GoReleaser's field '.ReleaseNotes' is not supported") }
        #expect { try render(#"{{ sha256 "go.mod" }}"#) } throws: { "\($0)".contains("GoReleaser's 'sha256' function is not supported") }
        #expect { try render("{{ .Env.NOPE }}") } throws: { "\($0)".contains("NOPE is not set") }
        #expect { try render("{{ nosuch .Version }}") } throws: { "\($0)".contains("unknown function 'nosuch'") }
    }

    @Test func configFilesAreFoundInGoReleasersOrderAndRecognisedByContent() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shipdeck-grfiles-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".config"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["goreleaser.yaml", ".goreleaser.yaml", ".goreleaser.yml"] {
            try "version: 2\n".write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        #expect(GoReleaserImport.locate(in: dir)?.lastPathComponent == ".goreleaser.yml")
        try "version: 2\n".write(to: dir.appendingPathComponent(".config/goreleaser.yaml"), atomically: true, encoding: .utf8)
        #expect(GoReleaserImport.locate(in: dir)?.path == dir.appendingPathComponent(".config/goreleaser.yaml").path)
        #expect(GoReleaserConfigFile.isGoReleaser("version: 2\nbuilds: []\n", fileName: "release.yaml"))
        #expect(GoReleaserConfigFile.isGoReleaser("project_name: x\n", fileName: "ci.yml"))
        #expect(!GoReleaserConfigFile.isGoReleaser("project: x\narchive: {format: zip}\nsigns: []\n", fileName: "custom.yml"))
    }

    @Test func snapshotVersionTemplateNamesTheVersion() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/goreleaser-configs/blocky")
        let config = try GoReleaserImport.parse(
            try String(contentsOf: fixture.appendingPathComponent(".goreleaser.yml"), encoding: .utf8),
            file: ".goreleaser.yml", defaultProject: "x")
        let toolchain = try GoToolchain.inspect(
            path: "/usr/local/bin/go", environment: PlanBuilder.baseEnvironment(ProcessInfo.processInfo.environment),
            directory: fixture.path)
        let source = SourceInfo(
            moduleDirectory: fixture.path, modulePath: "github.com/0xERR0R/blocky",
            commit: "0123456789abcdef0123456789abcdef01234567", exactTag: nil, commitTime: 1_700_000_000)
        var options = PlanOptions(moduleDirectory: fixture, environment: ["PATH": "/usr/bin"])
        options.distDirectory = URL(fileURLWithPath: "/tmp/shipdeck-snapshot-dist")
        options.snapshot = true
        // No tag anywhere: GoReleaser's v0.0.0; blocky's template is "{{ .Tag }}-{{.ShortCommit}}".
        let plan = try PlanBuilder.plan(config: config, source: source, toolchain: toolchain, options: options)
        #expect(plan.info.version == "v0.0.0-0123456")
        #expect(plan.goreleaser?.archiveInfo.keys.contains("blocky_v0.0.0-0123456_Linux_x86_64.tar.gz") == true)
        // --version wins over the snapshot template; --auto-snapshot on a clean tree is no snapshot.
        options.versionOverride = "9.9.9"
        #expect(try PlanBuilder.plan(config: config, source: source, toolchain: toolchain, options: options).info.version == "9.9.9")
        options.versionOverride = nil
        options.snapshot = false
        options.autoSnapshot = true
        #expect(try PlanBuilder.plan(config: config, source: source, toolchain: toolchain, options: options).info.version == "0.0.0-dev+0123456")
    }
}
