import Foundation
import Testing

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Bad input the real binary refuses while it plans: exit 2, the key and a hint, and nothing
/// built (no dist/ appears). Each test names one input that today crashes, misleads or builds.
@Suite(.serialized, .ownThreads) struct PlanTimeChecksEndToEndTests {
    func hello() -> URL { TestSupport.copyFixture("hello", example: true) }

    func write(_ text: String, to module: URL, name: String = "shipdeck.yml") throws {
        try text.write(to: module.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// Runs `release --no-tui` for one target and checks the refusal.
    @discardableResult
    func refused(
        _ module: URL, _ fragments: [String], extra: [String] = [], status: Int32 = 2,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> TestSupport.Output {
        let out = TestSupport.shipdeck(["release", "--no-tui", "--target", "linux/amd64"] + extra, in: module)
        #expect(out.status == status, "\(out.combined)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(
                out.stderr.contains(fragment), "missing '\(fragment)' in: \(out.stderr)", sourceLocation: sourceLocation
            )
        }
        #expect(!out.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
        #expect(!out.stdout.contains("build started"), "\(out.stdout)", sourceLocation: sourceLocation)
        #expect(
            !FileManager.default.fileExists(atPath: module.appendingPathComponent("dist").path),
            "dist/ was created: something ran", sourceLocation: sourceLocation)
        return out
    }

    /// A `go` that answers `go env`/`go tool dist list` with `env` and `dist` output, else runs go.
    func fakeGo(env: String, dist: String? = nil) throws -> URL {
        let dir = TestSupport.temporaryDirectory("fake-go")
        let url = dir.appendingPathComponent("go")
        let distPart = dist.map { "if [ \"$1\" = tool ]; then printf '%b' '\($0)'; exit 0; fi\n" } ?? ""
        try
            "#!/bin/sh\nif [ \"$1\" = env ]; then printf '%b' '\(env)'; exit 0; fi\n\(distPart)exec \(TestSupport.goBinary) \"$@\"\n"
            .write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    // MARK: YAML

    /// go list failing over go.mod is named as that, on one line, with a hint about the Go or
    /// go.mod, not one about main:.
    @Test func aGoModThatNeedsANewerGoSaysSoWithAGoHint() throws {
        let module = hello()
        let gomod = module.appendingPathComponent("go.mod")
        let text = try String(contentsOf: gomod, encoding: .utf8)
        try text.replacingOccurrences(of: #"(?m)^go .*$"#, with: "go 1.99", options: .regularExpression)
            .write(to: gomod, atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["plan"], in: module)
        #expect(out.status == 2, "\(out.combined)")
        #expect(out.stderr.contains("go.mod requires go >= 1.99"), "\(out.stderr)")
        #expect(out.stderr.contains("use a Go at least that new"), "\(out.stderr)")
        #expect(!out.stderr.contains("set main:") && !out.stderr.contains("\\x0a"), "\(out.stderr)")
        #expect(!out.stderr.contains("main: main:"), "\(out.stderr)")
    }

    @Test func aConfigNestedTenThousandLevelsIsRefusedInsteadOfCrashing() throws {
        let module = hello()
        try write(
            "project: hello\nx: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
                + "\n",
            to: module)
        refused(module, ["shipdeck.yml:2: the YAML is nested more than 64 levels deep", "hint: "])
        try write("project: hello\nx:\n" + String(repeating: "- ", count: 10_000) + "deep\n", to: module)
        refused(module, ["shipdeck.yml:3: the YAML is nested more than 64 levels deep"])
        var block = "project: hello\n"
        for level in 0..<1_000 { block += String(repeating: " ", count: level) + "k\(level):\n" }
        try write(block, to: module)
        refused(module, ["the YAML is nested more than 64 levels deep"])
    }

    @Test func aHugeConfigIsRefusedBeforeParsing() throws {
        let module = hello()
        try write("project: hello\n# " + String(repeating: "x", count: 2 << 20) + "\n", to: module)
        refused(module, ["Shipdeck reads at most 1048576", "hint: a config is a few kilobytes"])
    }

    @Test func aDuplicateKeyNamesBothLines() throws {
        let module = hello()
        try write("project: hello\ntargets: [linux/amd64]\nproject: other\n", to: module)
        refused(
            module, ["shipdeck.yml:3: duplicate key 'project' (first at line 1)", "hint: keep one of lines 1 and 3"])
        try write("archive:\n  format: zip\n  files: [README.md]\n  format: tar.gz\n", to: module)
        refused(module, ["shipdeck.yml:4: duplicate key 'archive.format' (first at line 2)"])
    }

    @Test func invalidUTF8AndBinaryGarbageSayWhereTheyAre() throws {
        let module = hello()
        var bytes = Data("project: hello\nbinary: caf".utf8)
        bytes.append(contentsOf: [0xe9, 0x0a])  // Latin-1 é
        try bytes.write(to: module.appendingPathComponent("shipdeck.yml"))
        refused(module, ["shipdeck.yml:2: invalid UTF-8 at byte 26 (0xe9)", "hint: save the file as UTF-8"])
        try Data([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00]).write(
            to: module.appendingPathComponent("shipdeck.yml"))
        refused(module, ["byte 0 is a control character (0x7f): this is not a YAML text file"])
    }

    // MARK: Values

    @Test func aVersionThatIsNotOneTokenIsRefused() {
        let module = hello()
        refused(
            module, ["--version '1.0 beta' is not a valid version: it contains a space", "hint: use letters, digits"],
            extra: ["--version", "1.0 beta"])
        refused(
            module, ["--version '.1.0' is not a valid version: it must start with a letter or digit"],
            extra: ["--version", ".1.0"])
        refused(
            module, ["--version is 300 bytes long; at most 128"],
            extra: ["--version", String(repeating: "1", count: 300)])
    }

    @Test func overLongNamesAreRefused() throws {
        let module = hello()
        try write("project: \(String(repeating: "p", count: 200))\n", to: module)
        refused(module, ["shipdeck.yml: project is 200 bytes long; at most 100", "hint: use a shorter name"])
        try write("binary: \(String(repeating: "b", count: 101))\n", to: module)
        refused(module, ["shipdeck.yml: binary is 101 bytes long"])
        try write("version_variable: main.version extra\n", to: module)
        refused(module, ["version_variable: 'main.version extra' is not a Go symbol path"])
    }

    @Test func flagsThatCannotFitOneCommandLineAreRefused() throws {
        let module = hello()
        try write("ldflags: [\"-X main.blob=\(String(repeating: "z", count: 140_000))\"]\n", to: module)
        refused(
            module,
            [
                "shipdeck.yml: ldflags: the go build argument", "Linux takes at most 131071 in one argument",
                "hint: shorten ldflags:",
            ])
    }

    /// Arguments and environment together over ARG_MAX: the environment Shipdeck passes on (10
    /// variables the build does not read, 110 KB each) plus 9,500 flags of 100 bytes.
    @Test func aCommandLineOverARGMAXIsRefused() throws {
        let argMax = sysconf(Int32(_SC_ARG_MAX))
        try #require(argMax > 0 && argMax <= 2_200_000, "this test sizes its input for ARG_MAX 2 MiB, not \(argMax)")
        let module = hello()
        let flags = (0..<9_500).map { "\"-tags=t\($0)\(String(repeating: "x", count: 90))\"" }.joined(separator: ",")
        try write("flags: [\(flags)]\n", to: module)
        var environment: [String: String] = [:]
        for name in [
            "NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "SSL_CERT_DIR",
            "ZIG_GLOBAL_CACHE_DIR", "ZIG_LOCAL_CACHE_DIR", "LOGNAME",
        ] {
            environment[name] = String(repeating: "e", count: 110_000)
        }
        let out = TestSupport.shipdeck(
            ["release", "--no-tui", "--target", "linux/amd64"], in: module, environment: environment)
        #expect(out.status == 2, "\(out.stderr.prefix(2000))")
        #expect(
            out.stderr.contains("bytes of arguments and environment; this system takes"), "\(out.stderr.prefix(2000))")
        #expect(out.stderr.contains("hint: shorten flags:"))
        #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent("dist").path))
    }

    // MARK: main:

    @Test func mainOutsideTheModuleIsRefused() throws {
        let module = hello()
        let outside = module.deletingLastPathComponent().appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try write("main: ../elsewhere\n", to: module)
        refused(
            module,
            [
                "main: ../elsewhere is outside the module: it is \(outside.resolvingSymlinksInPath().path)",
                "hint: set main: to a directory inside the module",
            ])
        try FileManager.default.createSymbolicLink(
            at: module.appendingPathComponent("cmd"), withDestinationURL: outside)
        try write("main: ./cmd\n", to: module)
        refused(module, ["main: ./cmd is outside the module"])
    }

    @Test func mainThatIsALibraryPackageIsRefusedBeforeAnyBuild() throws {
        let module = hello()
        let lib = module.appendingPathComponent("greet")
        try FileManager.default.createDirectory(at: lib, withIntermediateDirectories: true)
        try "package greet\n\nfunc Hello() string { return \"hi\" }\n"
            .write(to: lib.appendingPathComponent("greet.go"), atomically: true, encoding: .utf8)
        try write("main: ./greet\n", to: module)
        refused(
            module,
            [
                "main: ./greet is package greet, not a main package",
                "hint: set main: to the directory whose files say `package main`",
            ])
        let plan = TestSupport.shipdeck(["plan"], in: module)
        #expect(plan.status == 2 && plan.stderr.contains("not a main package"), "\(plan.combined)")
    }

    @Test func mainInANestedModuleIsRefused() throws {
        let module = hello()
        let tool = module.appendingPathComponent("tool")
        try FileManager.default.createDirectory(at: tool, withIntermediateDirectories: true)
        try "module example.com/tool\n\ngo 1.21\n".write(
            to: tool.appendingPathComponent("go.mod"), atomically: true, encoding: .utf8)
        try "package main\n\nfunc main() {}\n".write(
            to: tool.appendingPathComponent("main.go"), atomically: true, encoding: .utf8)
        try write("main: ./tool\n", to: module)
        refused(module, ["main: ./tool belongs to another module", "hint: set main: to a package of this module"])
    }

    @Test func anEmptyMainDirectoryIsRefused() throws {
        let module = hello()
        try FileManager.default.createDirectory(
            at: module.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try write("main: ./empty\n", to: module)
        refused(module, ["main: ./empty holds no Go package"])
    }

    // MARK: archive files

    @Test func archiveFilesAreCheckedAtPlanTime() throws {
        let module = hello()
        try write("archive: { files: [CHANGELOG.md] }\n", to: module)
        refused(module, ["shipdeck.yml: archive files: 'CHANGELOG.md' does not exist", "hint: fix the path"])
        try write("archive: { files: [../go.mod] }\n", to: module)
        refused(module, ["archive files: '../go.mod' points outside the module"])
        let secret = module.deletingLastPathComponent().appendingPathComponent("secret.txt")
        try "not for release".write(to: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            at: module.appendingPathComponent("NOTES.txt"), withDestinationURL: secret)
        try write("archive: { files: [\"*.txt\"] }\n", to: module)
        refused(
            module,
            [
                "archive files: 'NOTES.txt' is a symbolic link to \(secret.resolvingSymlinksInPath().path), outside the module",
                "hint: copy the file into the module",
            ])

        // A glob that matches nothing is a warning, not an error.
        try FileManager.default.removeItem(at: module.appendingPathComponent("NOTES.txt"))
        try write("archive: { files: [\"LICENSE*\"] }\n", to: module)
        let plan = TestSupport.shipdeck(["plan"], in: module)
        #expect(plan.status == 0, "\(plan.combined)")
        #expect(plan.stdout.contains("archive files: 'LICENSE*' matches no file in the module"), "\(plan.stdout)")
    }

    /// The archive's layout is laid out while planning: a wrapping directory that leaves the archive
    /// and a `files:` directory named like the binary (which `tar -x` cannot unpack) are refused.
    @Test func anArchiveLayoutThatCannotBeUnpackedIsRefusedAtPlanTime() throws {
        let module = hello()
        try write("archive: { wrap_in_directory: \"../escape\" }\n", to: module)
        refused(module, ["linux/amd64: the archive entry '../escape/hello' is not a relative path", "hint: check archive wrap_in_directory:"])
        try write("archive: { wrap_in_directory: \"/abs\" }\n", to: module)
        refused(module, ["the archive entry '/abs/hello' is not a relative path"])
        try FileManager.default.createDirectory(at: module.appendingPathComponent("hello"), withIntermediateDirectories: true)
        try "a\n".write(to: module.appendingPathComponent("hello/a.txt"), atomically: true, encoding: .utf8)
        try write("archive: { files: [hello] }\n", to: module)
        refused(module, ["the archive would hold a file named hello and a directory of that name", "hint: rename the file"])

        // One-character names (which once stopped the process inside Foundation) are plain names.
        try FileManager.default.removeItem(at: module.appendingPathComponent("hello"))
        try "y\n".write(to: module.appendingPathComponent("y"), atomically: true, encoding: .utf8)
        try write("project: z\narchive: { files: [y], wrap_in_directory: \"a\" }\n", to: module)
        let out = TestSupport.shipdeck(
            ["release", "--no-tui", "--target", "linux/amd64", "--no-cache", "--version", "1.0.0"], in: module)
        #expect(out.status == 0, "\(out.combined)")
        let listing = TestSupport.run("/usr/bin/tar", ["-tzf", "dist/z_1.0.0_linux_amd64.tar.gz"], in: module)
        #expect(listing.stdout.split(separator: "\n") == ["a/", "a/y", "a/z"], "\(listing.combined)")
    }

    // MARK: The toolchain and the command line

    @Test func garbageFromGoEnvIsExplainedWithItsFirstBytesEscaped() throws {
        let module = hello()
        let go = try fakeGo(env: "\\033[31mnot go at all\\n")
        let out = refused(
            module,
            [
                "env GOVERSION GOHOSTOS GOHOSTARCH printed something that is not three lines like go1.24.2",
                "it printed \"\\e[31mnot go at all\\n\"", "hint: check that",
            ],
            extra: ["--go", go.path])
        #expect(!out.stderr.contains("\u{1b}"))
        #expect(!out.stderr.contains("DecodingError"))
    }

    @Test func garbageFromDistListIsExplainedWithItsFirstBytes() throws {
        let module = hello()
        let go = try fakeGo(env: "go1.99.0\\nlinux\\namd64\\n", dist: "<html>proxy error</html>")
        let out = refused(
            module,
            [
                "tool dist list -json printed something that is not a JSON list of ports",
                "it printed \"<html>proxy error</html>\"",
            ], extra: ["--go", go.path])
        #expect(!out.stderr.contains("DecodingError"), "\(out.stderr)")
        #expect(!out.stderr.contains("Debug description"), "\(out.stderr)")
    }

    @Test func goFlagNamingADirectoryIsExplained() throws {
        let module = hello()
        refused(
            module, ["--go names /tmp, which is a directory, not the go binary", "hint: point --go at the go binary"],
            extra: ["--go", "/tmp"])
        let root = TestSupport.temporaryDirectory("goroot")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("bin/go"),
            withDestinationURL: URL(fileURLWithPath: TestSupport.goBinary))
        refused(module, ["hint: did you mean --go \(root.path)/bin/go?"], extra: ["--go", root.path])
    }

    @Test func negativeParallelismSaysWhatIsWrong() {
        let module = hello()
        let out = refused(
            module,
            [
                "--parallelism -1: at least 1 cell must build at a time",
                "leave --parallelism out to build as many cells at once as there are cores",
            ],
            extra: ["--parallelism", "-1"], status: 64)
        #expect(!out.stderr.contains("Missing value"), "\(out.stderr)")
    }

    /// An error after dist/ was locked (an unknown theme) leaves no dist/ folder behind.
    @Test func anErrorAfterTheLockLeavesNoEmptyDist() {
        refused(hello(), ["no-such-theme"], extra: ["--theme", "no-such-theme"])
    }

    @Test func releaseJSONWithAConfigErrorPrintsAnErrorEvent() throws {
        let module = hello()
        try write("project: hello\nbinray: x\n", to: module)
        let out = TestSupport.shipdeck(["release", "--json"], in: module)
        #expect(out.status == 2, "\(out.combined)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(out.stdout)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
        #expect(object["type"] as? String == "error", "\(out.stdout)")
        #expect(object["code"] as? String == "config", "\(out.stdout)")
        #expect(out.stdout.contains("unknown key 'binray'"), "\(out.stdout)")
        #expect(out.stdout.contains("did you mean 'binary'"), "\(out.stdout)")
        #expect(out.stderr.contains("shipdeck: error: "), "\(out.stderr)")
    }
}
