import Foundation
import Testing

@testable import ShipdeckEngine

/// Sources a build reads from outside the module folder change the fingerprint, so neither the
/// artifact cache nor `--resume` hands back a binary built from the old ones.
@Suite struct FingerprintOutsideTests {
    let base = JournalFingerprintTests()

    func write(_ text: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func goModAndGoWorkDirectivesNameTheirFolders() {
        let mod = """
            module example.com/app // the app
            require example.com/lib v0.0.0
            replace example.com/lib => ../lib
            replace example.com/other v1.2.3 => example.com/fork v1.2.4
            replace (
                example.com/a => "./vendor a" // quoted
                example.com/b v1.0.0 => /abs/b
                example.com/c => example.com/c2 v1.0.0
            )
            """
        #expect(GoModDirectives.localPaths(mod, keyword: "replace") == ["../lib", "./vendor a", "/abs/b"])
        let work = "go 1.22\nuse ./app\nuse (\n  ../lib // shared\n  `./x y`\n)\n"
        #expect(GoModDirectives.localPaths(work, keyword: "use") == ["./app", "../lib", "./x y"])
    }

    /// `replace => ../lib`: editing ../lib changes the tree hash of the plan's module.
    @Test func aLocalReplacementIsPartOfTheSourceTree() throws {
        let top = try base.tree().deletingLastPathComponent().appendingPathComponent("outside-\(UUID().uuidString.prefix(8))")
        let app = top.appendingPathComponent("app"), lib = top.appendingPathComponent("lib")
        try write("module example.com/app\n\ngo 1.22\n\nreplace example.com/lib => ../lib\n", app.appendingPathComponent("go.mod"))
        try write("package main\n", app.appendingPathComponent("main.go"))
        try write("package lib\n\nconst Msg = \"v1\"\n", lib.appendingPathComponent("lib.go"))
        #expect(CellFingerprint.localSourceFolders(of: app) == [lib.resolvingSymlinksInPath().path])
        let before = CellFingerprint.localSourceFoldersHash(app)
        try write("package lib\n\nconst Msg = \"v2\"\n", lib.appendingPathComponent("lib.go"))
        #expect(CellFingerprint.localSourceFoldersHash(app) != before)

        // A go.work above the module: its `use` folders count.
        try write("module example.com/app\n\ngo 1.22\n", app.appendingPathComponent("go.mod"))
        try write("go 1.22\n\nuse (\n\t./app\n\t./lib\n)\n", top.appendingPathComponent("go.work"))
        #expect(CellFingerprint.localSourceFolders(of: app) == [lib.resolvingSymlinksInPath().path])
        // A go.work anywhere (GOWORK=FILE in the config's env:) names its folders the same way.
        #expect(CellFingerprint.workspaceFolders(top.appendingPathComponent("go.work"))
            == [app.resolvingSymlinksInPath().path, lib.resolvingSymlinksInPath().path].sorted())
    }

    /// A link to a file counts by the file's bytes; a link to a folder, by the folder's tree.
    @Test func linksCountByWhatTheyPointAt() throws {
        let dir = try base.tree()
        let outside = dir.deletingLastPathComponent().appendingPathComponent("linked-\(UUID().uuidString.prefix(8))")
        try write("package main\n\nconst A = 1\n", outside.appendingPathComponent("a.go"))
        try write("package shared\n", outside.appendingPathComponent("pkg/shared.go"))
        try FileManager.default.createSymbolicLink(
            at: dir.appendingPathComponent("cmd/a.go"), withDestinationURL: outside.appendingPathComponent("a.go"))
        try FileManager.default.createSymbolicLink(
            at: dir.appendingPathComponent("shared"), withDestinationURL: outside.appendingPathComponent("pkg"))
        // A link back to the module's own root does not loop.
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("cmd/root"), withDestinationURL: dir)
        let first = base.hash(dir)
        #expect(base.hash(dir) == first)
        try write("package main\n\nconst A = 2\n", outside.appendingPathComponent("a.go"))
        let second = base.hash(dir)
        #expect(second != first)
        try write("package shared\n\nconst B = 1\n", outside.appendingPathComponent("pkg/shared.go"))
        #expect(base.hash(dir) != second)
    }

    /// `-overlay=FILE` and `-pgo=FILE` outside the module: the files, and the overlay's targets, count.
    @Test func filesNamedByGoArgumentsCount() throws {
        let dir = try base.tree()
        let outside = dir.deletingLastPathComponent().appendingPathComponent("args-\(UUID().uuidString.prefix(8))")
        let replacement = outside.appendingPathComponent("main.go")
        try write("package main\n\nfunc main() {}\n", replacement)
        let overlay = outside.appendingPathComponent("overlay.json")
        try write("{\"Replace\": {\"cmd/main.go\": \"\(replacement.path)\"}}", overlay)
        let profile = outside.appendingPathComponent("default.pgo")
        try write("profile v1", profile)
        let arguments = ["-trimpath", "-overlay=\(overlay.path)", "-pgo", profile.path]
        let first = CellFingerprint.argumentFiles(arguments, in: dir)
        #expect(first.count == 3, "\(first)")
        try write("package main\n\nfunc main() { println() }\n", replacement)
        let second = CellFingerprint.argumentFiles(arguments, in: dir)
        #expect(second.map(\.1) != first.map(\.1))
        try write("profile v2", profile)
        #expect(CellFingerprint.argumentFiles(arguments, in: dir).map(\.1) != second.map(\.1))
        #expect(CellFingerprint.argumentFiles(["-trimpath", "-ldflags=-s -w"], in: dir).isEmpty)
    }
}

extension CellFingerprint {
    /// The part of `sourceTree(of: plan)` the module's outside folders add, for tests without a plan.
    static func localSourceFoldersHash(_ module: URL) -> String {
        localSourceFolders(of: module).map { sourceTree(of: URL(fileURLWithPath: $0), excluding: []) }.joined(separator: " ")
    }
}
