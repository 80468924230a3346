import Foundation
import Testing

/// Each bad input: a clear error naming the problem and the fix, a non-zero exit, nothing built.
@Suite(.serialized, .ownThreads) struct BadInputTests {
    func expectError(_ out: TestSupport.Output, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(out.status != 0, sourceLocation: sourceLocation)
        #expect(out.stderr.hasPrefix("shipdeck: error: "), "\(out.combined)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(out.stderr.contains(fragment), "missing '\(fragment)' in: \(out.stderr)", sourceLocation: sourceLocation)
        }
        #expect(!out.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    func hello() -> URL { TestSupport.copyFixture("hello", example: true) }

    func write(_ text: String, to module: URL) throws {
        try text.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
    }

    @Test func noGoToolchain() {
        let out = TestSupport.shipdeck(["release", "--no-tui"], in: hello(), environment: ["PATH": "/usr/bin:/bin", "GO": ""])
        expectError(out, ["no Go toolchain found", "hint: run scripts/bootstrap"])
    }

    @Test func goFlagThatIsNotAToolchain() {
        let out = TestSupport.shipdeck(["plan", "--go", "/nonexistent/go"], in: hello())
        expectError(out, ["--go names /nonexistent/go, which is not an executable Go toolchain"])
    }

    @Test func noGoMod() {
        let out = TestSupport.shipdeck(["release", "--no-tui"], in: TestSupport.temporaryDirectory("empty"))
        expectError(out, ["no go.mod in", "go mod init"])
    }

    @Test func invalidYAML() throws {
        let module = hello()
        try write("project: hello\ntargets:\n  - linux/amd64\n  bad: [\n", to: module)
        expectError(TestSupport.shipdeck(["release", "--no-tui"], in: module), ["shipdeck.yml: invalid YAML", "line 4"])
    }

    @Test func unknownKey() throws {
        let module = hello()
        try write("project: hello\nbinray: x\n", to: module)
        expectError(TestSupport.shipdeck(["release", "--no-tui"], in: module),
                    ["shipdeck.yml:2: binray: unknown key 'binray'", "did you mean 'binary'"])
    }

    @Test func unknownTarget() throws {
        let module = hello()
        try write("targets:\n  - linux/amd64\n  - windows/arm5\n", to: module)
        expectError(TestSupport.shipdeck(["release", "--no-tui"], in: module),
                    ["shipdeck.yml:3: unknown target windows/arm5", "did you mean windows/arm"])
        try write("targets: [linux/amd46]\n", to: module)
        expectError(TestSupport.shipdeck(["plan"], in: module), ["unknown target linux/amd46", "linux/amd64"])
    }

    @Test func unwritableDist() throws {
        let module = hello()
        let dist = module.appendingPathComponent("dist")
        try FileManager.default.createDirectory(at: dist, withIntermediateDirectories: true)
        // A read-only file system where possible (root ignores permission bits), else mode 0555.
        let mounted = TestSupport.run("/bin/mount", ["-t", "tmpfs", "-o", "ro", "tmpfs", dist.path], in: module).status == 0
        if !mounted { try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dist.path) }
        defer {
            if mounted { _ = TestSupport.run("/bin/umount", [dist.path], in: module) }
        }
        let out = TestSupport.shipdeck(["release", "--no-tui", "--target", "linux/amd64"], in: module)
        expectError(out, ["is not writable", "choose another --dist"])
    }

    @Test func nonEmptyDistIsRefusedUnlessClean() throws {
        let module = hello()
        let dist = module.appendingPathComponent("dist")
        try FileManager.default.createDirectory(at: dist, withIntermediateDirectories: true)
        try "old".write(to: dist.appendingPathComponent("old-artifact"), atomically: true, encoding: .utf8)
        let refused = TestSupport.shipdeck(["release", "--no-tui", "--target", "linux/amd64"], in: module)
        expectError(refused, ["is not empty", "--clean", "--resume"])
        #expect(FileManager.default.fileExists(atPath: dist.appendingPathComponent("old-artifact").path))

        let cleaned = TestSupport.shipdeck(["release", "--no-tui", "--clean", "--target", "linux/amd64"], in: module)
        #expect(cleaned.status == 0, "\(cleaned.combined)")
        #expect(!FileManager.default.fileExists(atPath: dist.appendingPathComponent("old-artifact").path))
    }

    @Test func cleanNeverDeletesAFolderThatHoldsTheModule() throws {
        let module = hello()
        let parent = module.deletingLastPathComponent()
        try "keep".write(to: parent.appendingPathComponent("precious.txt"), atomically: true, encoding: .utf8)
        let link = parent.appendingPathComponent("link-to-module")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: module)
        for dist in [parent.path, link.path, module.path] {
            let out = TestSupport.shipdeck(["release", "--no-tui", "--clean", "--dist", dist, "--target", "linux/amd64"], in: module)
            expectError(out, ["refusing to --clean", "the module being released", "choose a dedicated --dist folder"])
        }
        #expect(FileManager.default.fileExists(atPath: module.appendingPathComponent("main.go").path))
        #expect(FileManager.default.fileExists(atPath: parent.appendingPathComponent("precious.txt").path))
    }

    @Test func namesThatCannotBeFileNamesAreRefusedBeforeAnyBuild() throws {
        let module = hello()
        expectError(TestSupport.shipdeck(["release", "--no-tui", "--version", ""], in: module), ["--version is empty"])
        expectError(TestSupport.shipdeck(["release", "--no-tui", "--version", "a/b"], in: module),
                    ["--version 'a/b' contains '/'", "file name"])
        expectError(TestSupport.shipdeck(["release", "--no-tui", "--version", "1.0\u{1b}[31m"], in: module),
                    ["--version '1.0\\e[31m' contains a control character"])
        try write("project: \"my app/x\"\n", to: module)
        expectError(TestSupport.shipdeck(["release", "--no-tui"], in: module), ["project 'my app/x' contains '/'"])
        #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent("dist").path))
    }

    @Test func watchOfAMistypedFolderFailsInsteadOfWaitingForever() {
        let missing = TestSupport.temporaryDirectory("watch").appendingPathComponent("no/such/dist")
        let out = TestSupport.shipdeck(["watch", missing.path, "--no-tui"], in: hello())
        expectError(out, ["no journal at", "does not exist", "pass the dist folder"])
    }

    @Test func unknownTargetFlag() {
        let out = TestSupport.shipdeck(["plan", "--target", "plan9/amd64"], in: hello())
        expectError(out, ["--target plan9/amd64 is not in the plan", "planned targets: linux/amd64"])
    }
}
