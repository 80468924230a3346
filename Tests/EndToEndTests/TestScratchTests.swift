import CShipdeckTestScratch
import Foundation
import Testing

/// The private TMPDIR every test process gets (Tests/CShipdeckTestScratch): made before the first test,
/// passed to children, removed at exit, and the folders of killed runs removed by the next one.
@Suite(.ownThreads) struct TestScratchTests {
    @Test func temporaryFilesGoToThisProcessesOwnFolder() throws {
        let root = String(cString: shipdeck_test_scratch_root())
        try #require(!root.isEmpty, "no scratch folder was made")
        #expect(URL(fileURLWithPath: root).lastPathComponent == "shipdeck-tests-\(getpid())")
        #expect(FileManager.default.temporaryDirectory.standardizedFileURL.path == root)
        #expect(TestSupport.temporaryDirectory("scratch").path.hasPrefix(root + "/"))
        let child = TestSupport.run("/bin/sh", ["-c", "printf %s \"$TMPDIR\""], in: URL(fileURLWithPath: "/"))
        #expect(child.stdout == root)
    }

    @Test func aTestProcessRemovesItsFolderAndThoseOfEndedRuns() throws {
        let base = TestSupport.temporaryDirectory("scratch-base")
        let fm = FileManager.default
        // An ended run's folder, with a read-only folder inside (as go's module cache makes), and the
        // folder of a process that still runs (pid 1).
        let ended = base.appendingPathComponent("shipdeck-tests-2147480000")
        let readOnly = ended.appendingPathComponent("mod/example.com@v1")
        try fm.createDirectory(at: readOnly, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: readOnly.appendingPathComponent("go.mod"))
        try fm.setAttributes([.posixPermissions: 0o555], ofItemAtPath: readOnly.path)
        let running = base.appendingPathComponent("shipdeck-tests-1")
        try fm.createDirectory(at: running, withIntermediateDirectories: true)
        // An ended run's folder kept with SHIPDECK_KEEP_TEST_TMP.
        let kept = base.appendingPathComponent("shipdeck-tests-2147480001")
        try fm.createDirectory(at: kept, withIntermediateDirectories: true)
        try Data().write(to: kept.appendingPathComponent("KEPT"))
        // A link out of the tree: removing the tree must not follow it.
        let outside = TestSupport.temporaryDirectory("scratch-outside").appendingPathComponent("kept")
        try Data("kept".utf8).write(to: outside)
        try fm.createSymbolicLink(at: ended.appendingPathComponent("link"), withDestinationURL: outside)

        let run = TestSupport.run(
            CommandLine.arguments[0],
            ["--testing-library", "swift-testing", "--filter", "TestScratchChild"],
            in: URL(fileURLWithPath: "/"), environment: ["TMPDIR": base.path, "SHIPDECK_KEEP_TEST_TMP": ""])
        try #require(run.status == 0, "\(run.combined)")
        let marker = try #require(
            run.combined.split(separator: "\n").first { $0.contains("scratch marker: ") }
                .map { String($0[$0.range(of: "scratch marker: ")!.upperBound...]) },
            "\(run.combined)")
        #expect(marker.hasPrefix(base.path + "/shipdeck-tests-"), "\(marker)")
        #expect(!fm.fileExists(atPath: marker), "the child's folder outlived it: \(marker)")
        #expect(!fm.fileExists(atPath: ended.path), "an ended run's folder was left")
        #expect(fm.fileExists(atPath: running.path), "the folder of a running process was removed")
        #expect(fm.fileExists(atPath: outside.path), "removing the tree followed a link out of it")
        #expect(fm.fileExists(atPath: kept.path), "a kept folder was removed")
        #expect(
            try fm.contentsOfDirectory(atPath: base.path).sorted() == ["shipdeck-tests-1", "shipdeck-tests-2147480001"])
    }
}

/// Run alone by `aTestProcessRemovesItsFolderAndThoseOfEndedRuns` in a child test process; harmless in
/// the whole suite.
@Suite(.ownThreads) struct TestScratchChild {
    @Test func leavesAFileInItsTemporaryFolder() throws {
        let file = TestSupport.temporaryDirectory("marker").appendingPathComponent("marker")
        try Data("marker".utf8).write(to: file)
        print("scratch marker: \(file.path)")
    }
}
