import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `shipdeck release --resume`: after a crash, only what is not done (or no longer matches) is built.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(10))) struct ResumeEndToEndTests {
    typealias S = WatchTestsSupport
    static let cells: Set<String> = ["linux/amd64", "linux/arm64", "windows/amd64"]

    /// A release of the fixture run to the end: its dist/ and its checksums.txt.
    func uninterruptedRelease(_ module: URL) throws -> (dist: URL, checksums: String) {
        let dist = TestSupport.temporaryDirectory("reference").appendingPathComponent("dist")
        let result = TestSupport.shipdeck(
            ["release", "--no-tui", "--go", TestSupport.goBinary, "--dist", dist.path], in: module)
        try #require(result.status == 0, "\(result.combined)")
        return (dist, try String(contentsOf: dist.appendingPathComponent("checksums.txt"), encoding: .utf8))
    }

    @Test func resumeAfterKill9RebuildsOnlyUnfinishedCells() throws {
        let module = TestSupport.copyFixture("journal-hello", git: true)
        let reference = try uninterruptedRelease(module)

        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let go = try S.slowGo(seconds: S.marker(2), pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let journal = dist.appendingPathComponent(JournalHeader.fileName)
        let releaser = try S.Background.shipdeck(
            ["release", "--no-tui", "--go", go.path, "--parallelism", "1", "--dist", dist.path], in: module)
        #expect(S.waitFor(90) { !S.succeededCells(journal).isEmpty })
        releaser.kill(SIGKILL)
        _ = releaser.wait(10)
        // kill -9 leaves no build running: the supervisor stops the group within 2 seconds.
        #expect(S.waitFor(2) { S.pids(in: pids).allSatisfy { !S.isRunning($0) } })

        let finished = S.succeededCells(journal)
        #expect(!finished.isEmpty && finished.count < 3, "finished before the kill: \(finished)")
        #expect(!S.events(journal).contains { if case .releaseFinished = $0 { return true } else { return false } })

        // The cell that was building when the kill came: its attempt-1 log must stay that attempt's alone.
        let killed = S.builtCells(journal).subtracting(finished)
        func log(_ cell: String, _ attempt: Int) -> String? {
            try? String(contentsOf: dist.appendingPathComponent(DistPaths.logPath(cell: cell, attempt: attempt)),
                        encoding: .utf8)
        }
        let killedLogs = killed.map { ($0, log($0, 1)) }
        #expect(!killed.isEmpty && killedLogs.allSatisfy { $0.1 != nil })

        let without = TestSupport.shipdeck(["release", "--no-tui", "--dist", dist.path], in: module)
        #expect(without.status != 0)
        #expect(without.stderr.contains("--resume"))

        let resumed = TestSupport.shipdeck(
            [
                "release", "--no-tui", "--resume", "--go", TestSupport.goBinary,
                "--parallelism", "1", "--dist", dist.path,
            ], in: module)
        #expect(resumed.status == 0, "\(resumed.combined)")
        #expect(resumed.stdout.contains("resume: keeping \(finished.count) of 3 cells"))

        // From the new journal: the kept cells were not built again, the others were.
        #expect(S.builtCells(journal) == Self.cells.subtracting(finished))
        let reused = Set(
            S.events(journal).compactMap { event -> String? in
                if case .cellFingerprint(let cell, _, _, true) = event { return cell }
                return nil
            })
        #expect(reused == finished)
        #expect(S.succeededCells(journal) == Self.cells)
        // Every rebuilt cell is a new attempt: its own staging folder and log file.
        let queued = Set(S.events(journal).compactMap { event -> String? in
            if case .cellQueued(let cell, 2) = event { return cell }
            return nil
        })
        #expect(queued == Self.cells.subtracting(finished))
        for cell in Self.cells.subtracting(finished) { #expect(log(cell, 2)?.contains("$ ") == true, "\(cell)") }
        for (cell, before) in killedLogs { #expect(log(cell, 1) == before, "\(cell): attempt-1.log changed") }
        #expect(
            FileManager.default.fileExists(atPath: dist.appendingPathComponent(JournalHeader.previousFileName).path))

        let checksums = try String(contentsOf: dist.appendingPathComponent("checksums.txt"), encoding: .utf8)
        #expect(checksums == reference.checksums)
    }

    @Test func resumeRebuildsAFileWhoseBytesNoLongerMatch() throws {
        let module = TestSupport.copyFixture("journal-hello", git: true)
        let (dist, checksums) = try uninterruptedRelease(module)
        let journal = dist.appendingPathComponent(JournalHeader.fileName)
        let binary = dist.appendingPathComponent("journalhello_0.0.0-dev+\(try shortCommit(module))_linux_arm64")
        let handle = try FileHandle(forUpdating: binary)
        try handle.seek(toOffset: 100)
        handle.write(Data("tampered".utf8))
        try handle.close()

        let resumed = TestSupport.shipdeck(
            ["release", "--no-tui", "--resume", "--go", TestSupport.goBinary, "--dist", dist.path],
            in: module)
        #expect(resumed.status == 0, "\(resumed.combined)")
        #expect(resumed.stdout.contains("[linux/arm64] rebuild:"))
        #expect(resumed.stdout.contains("no longer matches its recorded SHA-256"))
        #expect(S.builtCells(journal) == ["linux/arm64"])
        #expect(try String(contentsOf: dist.appendingPathComponent("checksums.txt"), encoding: .utf8) == checksums)
    }

    @Test func resumeRebuildsEveryCellWhenTheSourcesChanged() throws {
        let module = TestSupport.copyFixture("journal-hello", git: true)
        let (dist, checksums) = try uninterruptedRelease(module)
        let journal = dist.appendingPathComponent(JournalHeader.fileName)
        // A comment changes no byte of the binaries, but it is a different source tree.
        let main = module.appendingPathComponent("main.go")
        try (try String(contentsOf: main, encoding: .utf8) + "\n// edited after the release\n")
            .write(to: main, atomically: true, encoding: .utf8)

        let resumed = TestSupport.shipdeck(
            ["release", "--no-tui", "--resume", "--go", TestSupport.goBinary, "--dist", dist.path], in: module)
        #expect(resumed.status == 0, "\(resumed.combined)")
        #expect(resumed.stdout.contains("resume: keeping 0 of 3 cells, rebuilding 3"))
        #expect(resumed.stdout.contains("its inputs changed"))
        #expect(S.builtCells(journal) == Self.cells)
        #expect(try String(contentsOf: dist.appendingPathComponent("checksums.txt"), encoding: .utf8) == checksums)
    }

    @Test func resumeRefusesTheJournalOfAnotherRelease() throws {
        let module = TestSupport.copyFixture("journal-hello", git: true)
        let (dist, _) = try uninterruptedRelease(module)
        let other = TestSupport.shipdeck(
            ["release", "--no-tui", "--resume", "--version", "9.9.9", "--dist", dist.path],
            in: module)
        #expect(other.status != 0)
        #expect(other.stderr.contains("not of journalhello 9.9.9"), "\(other.stderr)")
        #expect(other.stderr.contains("--clean"))
    }

    @Test func resumeWithFewerTargetsRemovesTheDroppedCellsFiles() throws {
        let module = TestSupport.copyFixture("journal-hello", git: true)
        let (dist, _) = try uninterruptedRelease(module)
        let base = "journalhello_0.0.0-dev+\(try shortCommit(module))"
        let windows = dist.appendingPathComponent("\(base)_windows_amd64.exe")
        let arm = dist.appendingPathComponent("\(base)_linux_arm64")
        try #require(FileManager.default.fileExists(atPath: windows.path))

        let fewer = TestSupport.shipdeck(
            [
                "release", "--no-tui", "--resume", "--go", TestSupport.goBinary, "--dist", dist.path,
                "--target", "linux/amd64", "--target", "linux/arm64",
            ], in: module)
        #expect(fewer.status == 0, "\(fewer.combined)")
        #expect(
            fewer.stdout.contains(
                "resume: windows/amd64 is not in this release: removed 1 of its files from dist/ "
                    + "(\(windows.lastPathComponent))"),
            "\(fewer.stdout)")
        #expect(!FileManager.default.fileExists(atPath: windows.path))
        var checksums = try String(contentsOf: dist.appendingPathComponent("checksums.txt"), encoding: .utf8)
        #expect(!checksums.contains("windows"), "\(checksums)")
        #expect(checksums.contains("linux_arm64"))
        #expect(S.builtCells(dist.appendingPathComponent(JournalHeader.fileName)).isEmpty)

        // With --json the removal is an event.
        let json = TestSupport.shipdeck(
            [
                "release", "--json", "--resume", "--go", TestSupport.goBinary, "--dist", dist.path,
                "--target", "linux/amd64",
            ], in: module)
        #expect(json.status == 0, "\(json.combined)")
        let warnings = json.stdout.split(separator: "\n").filter {
            $0.contains("\"type\":\"warning\"")
                && $0.contains("linux/arm64 is not in this release: removed 1 of its files")
        }
        #expect(warnings.count == 1, "\(json.stdout)")
        #expect(!FileManager.default.fileExists(atPath: arm.path))
        checksums = try String(contentsOf: dist.appendingPathComponent("checksums.txt"), encoding: .utf8)
        #expect(checksums.split(separator: "\n").count == 1, "\(checksums)")
        let verify = TestSupport.shipdeck(["verify", "--allow-unsigned", dist.path], in: module)
        #expect(verify.status == 0, "\(verify.combined)")
    }

    func shortCommit(_ module: URL) throws -> String {
        let result = TestSupport.run("/usr/bin/git", ["rev-parse", "--short=7", "HEAD"], in: module)
        try #require(result.status == 0)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
