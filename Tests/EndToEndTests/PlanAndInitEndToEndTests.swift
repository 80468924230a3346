import Foundation
import Testing

/// `shipdeck plan` shows the exact command and environment and builds nothing; `shipdeck init`
/// writes a config that plans exactly what zero config plans.
@Suite(.serialized, .ownThreads) struct PlanAndInitEndToEndTests {
    /// Help is the parser's to print, on stdout with status 0, in every spelling.
    @Test func helpIsPrintedAndExitsZero() throws {
        let dir = TestSupport.temporaryDirectory("help")
        for args in [["--help"], ["-h"], ["help"]] {
            let out = TestSupport.shipdeck(args, in: dir)
            #expect(out.status == 0, "\(args): \(out.combined)")
            #expect(out.stdout.contains("USAGE: shipdeck <subcommand>") && out.stdout.contains("release"), "\(args): \(out.stdout)")
            #expect(out.stderr.isEmpty, "\(args): \(out.stderr)")
        }
        for args in [["release", "--help"], ["help", "release"]] {
            let out = TestSupport.shipdeck(args, in: dir)
            #expect(out.status == 0, "\(args): \(out.combined)")
            #expect(out.stdout.contains("USAGE: shipdeck release") && out.stdout.contains("--no-tui"), "\(args): \(out.stdout)")
        }
        // A usage error stays one: status 64 and the parser's words on stderr.
        let bad = TestSupport.shipdeck(["bogus"], in: dir)
        #expect(bad.status == 64 && bad.stderr.contains("Unexpected argument 'bogus'"), "\(bad.combined)")
    }

    /// GOTOOLCHAIN in the environment would make go switch to (download) another toolchain than
    /// the one the plan inspected and records; builds use the inspected one, and check says so.
    @Test func aGOTOOLCHAINFromTheEnvironmentIsNotUsedAndCheckSaysSo() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v2.3.4")
        let env = ["GOTOOLCHAIN": "go1.99.0"]
        let check = TestSupport.shipdeck(["check"], in: module, environment: env)
        #expect(check.stdout.contains("warnings (1):"), "\(check.combined)")
        #expect(check.stdout.contains("GOTOOLCHAIN=go1.99.0 in the environment is not used"), "\(check.stdout)")
        let dist = TestSupport.temporaryDirectory("gotoolchain").appendingPathComponent("dist")
        let out = TestSupport.shipdeck(
            ["release", "--no-tui", "--target", "linux/amd64", "--dist", dist.path], in: module, environment: env)
        #expect(out.status == 0, "\(out.combined)")  // offline, go1.99.0 cannot be downloaded
        #expect(out.combined.contains("GOTOOLCHAIN=go1.99.0 in the environment is not used"), "\(out.combined)")
    }

    /// A release named by a tag from a tree with uncommitted changes holds other source than the
    /// tag names: the plan says so. Its own dist/ inside the module does not count.
    @Test func uncommittedChangesOnATaggedTreeAreAWarning() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v2.3.4")
        let released = TestSupport.shipdeck(["release", "--no-tui", "--target", "linux/amd64"], in: module)
        try #require(released.status == 0, "\(released.combined)")
        #expect(!released.combined.contains("uncommitted"), "dist/ counted: \(released.combined)")
        let clean = TestSupport.shipdeck(["plan"], in: module)
        #expect(!clean.stdout.contains("uncommitted"), "\(clean.stdout)")
        try "package main\n".write(to: module.appendingPathComponent("extra.go"), atomically: true, encoding: .utf8)
        let dirty = TestSupport.shipdeck(["plan"], in: module)
        #expect(dirty.status == 0, "\(dirty.combined)")
        #expect(dirty.stdout.contains("the git tree has 1 uncommitted change (extra.go)"), "\(dirty.stdout)")
        #expect(dirty.stdout.contains("this release of v2.3.4 holds them"), "\(dirty.stdout)")
        let overridden = TestSupport.shipdeck(["plan", "--version", "2.3.5-dev"], in: module)
        #expect(!overridden.stdout.contains("uncommitted"), "\(overridden.stdout)")
    }

    @Test func planPrintsEachCellsCommandAndEnvironmentAndRunsNoBuild() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v2.3.4")
        let out = TestSupport.shipdeck(["plan"], in: module)
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.stdout.contains("Plan: hello 2.3.4"))
        #expect(out.stdout.contains("Cells (5):"))
        #expect(out.stdout.contains("env: CGO_ENABLED=0 GOARCH=arm64 GOOS=darwin SOURCE_DATE_EPOCH=1704164645"))
        #expect(out.stdout.contains(
            "build -trimpath -buildvcs=false -ldflags '-s -w -buildid= -X main.version=2.3.4' -o dist/hello_2.3.4_windows_amd64.exe ."))
        #expect(out.stdout.contains("GOENV=off"))
        #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent("dist").path))
    }

    @Test func initWritesTheZeroConfigDefaultsAndRefusesToOverwrite() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let zeroConfig = TestSupport.shipdeck(["plan"], in: module)
        #expect(zeroConfig.status == 0)

        let first = TestSupport.shipdeck(["init"], in: module)
        #expect(first.status == 0, "\(first.combined)")
        let config = try String(contentsOf: module.appendingPathComponent("shipdeck.yml"), encoding: .utf8)
        #expect(config.contains("# "))  // commented
        #expect(config.contains("  - windows/amd64"))

        // The written file plans exactly what zero config planned (only the config line differs).
        let withConfig = TestSupport.shipdeck(["plan"], in: module)
        func cells(_ text: String) -> [Substring] {
            text.split(separator: "\n").filter { !$0.contains("config:") }
        }
        #expect(cells(withConfig.stdout) == cells(zeroConfig.stdout))

        let again = TestSupport.shipdeck(["init"], in: module)
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"))
        #expect(again.stderr.contains("--force"))
        #expect(TestSupport.shipdeck(["init", "--force"], in: module).status == 0)
    }
}
