import Foundation
import Testing

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// dist/ is one run's at a time: two real `shipdeck release` processes racing for one folder.
@Suite(.serialized, .ownThreads) struct DistLockEndToEndTests {
    /// A `go` whose `build` waits until `gate` exists beside it (or gives up when `abort` does), so
    /// a release is reliably mid-build while the test races a second one against it.
    func gatedGo(marker: String) throws -> URL {
        let dir = TestSupport.temporaryDirectory("gated-go")
        let script = dir.appendingPathComponent("go")
        try """
        #!/bin/sh
        # \(marker)
        if [ "$1" = "build" ]; then
          here=$(dirname "$0")
          : > "$here/waiting"
          while [ ! -e "$here/gate" ]; do
            [ -e "$here/abort" ] && exit 3
            sleep 0.05
          done
        fi
        exec \(TestSupport.goBinary) "$@"
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script
    }

    /// A shipdeck run in the background, its output going to files.
    final class Background {
        let process = Process()
        let out: URL
        let err: URL

        init(_ arguments: [String], in directory: URL) throws {
            let folder = TestSupport.temporaryDirectory("bg")
            out = folder.appendingPathComponent("stdout")
            err = folder.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process.executableURL = TestSupport.shipdeckBinary
            process.arguments = arguments
            process.currentDirectoryURL = directory
            var env = TestSupport.childEnvironment
            env["TERM"] = "dumb"
            process.environment = env
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var stdout: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

        /// The release's exit status; nil (and the release stopped) after `timeout`. The gated release
        /// may compile the standard library with every cache empty, on cores the other tests share:
        /// 136 s in one run with the suite at 8 tests at once.
        func wait(timeout: TimeInterval = 300) -> Int32? {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning {
                process.terminate()
                return nil
            }
            return process.terminationStatus
        }
    }

    func waitFor(_ what: String, timeout: TimeInterval = 60, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(), Date() < deadline { usleep(20_000) }
        #expect(condition(), "timed out waiting for \(what)")
    }

    func processes(matching pattern: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard Int(entry) != nil,
                let cmd = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8)
            else { return nil }
            let text = cmd.replacingOccurrences(of: "\0", with: " ")
            return text.contains(pattern) ? text : nil
        }
    }

    @Test func aSecondReleaseIntoTheSameDistIsRefusedNamingTheHolderAndCleansNothing() throws {
        let module = TestSupport.copyFixture("hello", example: true)
        let go = try gatedGo(marker: "lock-race-\(UUID().uuidString.prefix(8))")
        let gateDir = go.deletingLastPathComponent()
        let dist = module.appendingPathComponent("dist")
        let first = try Background(["release", "--no-tui", "--target", "linux/amd64", "--go", go.path], in: module)
        defer {
            _ = FileManager.default.createFile(atPath: gateDir.appendingPathComponent("abort").path, contents: nil)
            _ = first.wait()
        }
        waitFor("the first release to be building") {
            FileManager.default.fileExists(atPath: gateDir.appendingPathComponent("waiting").path)
        }
        let journal = dist.appendingPathComponent("shipdeck.journal.jsonl")
        #expect(FileManager.default.fileExists(atPath: journal.path))

        // The racer asks for --clean: it must be refused before it deletes anything.
        let second = TestSupport.shipdeck(
            ["release", "--no-tui", "--clean", "--target", "linux/amd64", "--go", go.path],
            in: module)
        #expect(second.status == 2, "\(second.combined)")
        #expect(
            second.stderr.contains("is in use by another Shipdeck run: pid \(first.process.processIdentifier) on "),
            "\(second.stderr)")
        #expect(second.stderr.contains("release --no-tui --target linux/amd64"), "\(second.stderr)")
        #expect(second.stderr.contains("hint: wait for that run to end"), "\(second.stderr)")
        #expect(FileManager.default.fileExists(atPath: journal.path), "the racer emptied the first release's dist/")

        // A merge and a resume into the same folder are refused the same way.
        let resume = TestSupport.shipdeck(
            ["release", "--no-tui", "--resume", "--target", "linux/amd64", "--go", go.path],
            in: module)
        #expect(resume.status == 2)
        #expect(resume.stderr.contains("is in use by another Shipdeck run"), "\(resume.stderr)")
        let merge = TestSupport.shipdeck(["merge", "--clean", dist.path, "--dist", dist.path], in: module)
        #expect(merge.status == 2)
        #expect(merge.stderr.contains("is in use by another Shipdeck run"), "\(merge.stderr)")

        _ = FileManager.default.createFile(atPath: gateDir.appendingPathComponent("gate").path, contents: nil)
        #expect(first.wait() == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("release succeeded"), "\(first.stdout)")
        let checksums = try String(contentsOf: dist.appendingPathComponent("checksums.txt"), encoding: .utf8)
        #expect(checksums.contains("hello_"), "\(checksums)")
        // Released: no lock file is left, and the next run takes the folder without a warning.
        #expect(!FileManager.default.fileExists(atPath: dist.appendingPathComponent(".shipdeck.lock").path))
        let third = TestSupport.shipdeck(
            ["release", "--no-tui", "--clean", "--target", "linux/amd64", "--go", go.path],
            in: module)
        #expect(third.status == 0, "\(third.combined)")
        #expect(!third.combined.contains("took over the lock"))
    }

    @Test func theLockOfAKilledReleaseIsTakenOverWithAWarning() throws {
        let module = TestSupport.copyFixture("hello", example: true)
        let marker = "lock-stale-\(UUID().uuidString.prefix(8))"
        let go = try gatedGo(marker: marker)
        let gateDir = go.deletingLastPathComponent()
        let dist = module.appendingPathComponent("dist")
        let killed = try Background(["release", "--no-tui", "--target", "linux/amd64", "--go", go.path], in: module)
        waitFor("the release to be building") {
            FileManager.default.fileExists(atPath: gateDir.appendingPathComponent("waiting").path)
        }
        let pid = killed.process.processIdentifier
        kill(pid, SIGKILL)
        _ = killed.wait()
        // Its gated build (if it outlived it) gives up; nothing of it may keep running.
        _ = FileManager.default.createFile(atPath: gateDir.appendingPathComponent("abort").path, contents: nil)
        waitFor("the killed release's children to end") { processes(matching: gateDir.path).isEmpty }
        let lockFile = dist.appendingPathComponent(".shipdeck.lock")
        let recorded = try String(contentsOf: lockFile, encoding: .utf8)
        #expect(recorded.contains("\"pid\":\(pid)"), "\(recorded)")

        try FileManager.default.removeItem(at: gateDir.appendingPathComponent("abort"))
        _ = FileManager.default.createFile(atPath: gateDir.appendingPathComponent("gate").path, contents: nil)
        let next = TestSupport.shipdeck(
            ["release", "--no-tui", "--clean", "--target", "linux/amd64", "--go", go.path],
            in: module)
        #expect(next.status == 0, "\(next.combined)")
        #expect(
            next.combined.contains(
                "took over the lock of \(dist.path) from a Shipdeck run that is gone (pid \(pid) on "),
            "\(next.combined)")
        #expect(!FileManager.default.fileExists(atPath: lockFile.path))
    }
}
