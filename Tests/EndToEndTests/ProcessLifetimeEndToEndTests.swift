import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Nothing Shipdeck starts outlives it: SIGPIPE ends a release like Ctrl-C, `kill -9` leaves
/// no build behind (the supervisor stops it), and `--timeout` / `timeout:` stop a hanging
/// build with the cell failing and saying so. Real signals to the real binary; /proc checked.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(10))) struct ProcessLifetimeEndToEndTests {
    typealias S = WatchTestsSupport

    /// A `go` that, for builds of `slowArch`, records its pid and sleeps `marker` seconds first.
    static func slowGo(arch slowArch: String, marker: String, pidFile: URL) throws -> URL {
        let script = TestSupport.temporaryDirectory("slow-one-go").appendingPathComponent("go")
        try """
        #!/bin/sh
        if [ "$1" = "build" ] && [ "$GOARCH" = "\(slowArch)" ]; then
          echo $$ >> \(pidFile.path)
          sleep \(marker)
        fi
        exec \(TestSupport.goBinary) "$@"
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script
    }

    @Test func sigpipeFromAClosedReaderEndsTheReleaseLikeSigint() throws {
        let module = TestSupport.copyFixture("journal-hello")
        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let marker = S.marker(60)
        // linux/amd64 hangs; linux/arm64 builds at once, so a line is printed after head has gone.
        let go = try Self.slowGo(arch: "amd64", marker: marker, pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let status = module.deletingLastPathComponent().appendingPathComponent("status")
        let release = [
            TestSupport.shipdeckBinary.path, "release", "--no-tui", "--go", go.path, "--parallelism", "3",
            "--dist", dist.path,
        ].map(ShellQuoting.quote).joined(separator: " ")
        let script = "\(release) | head -3; echo ${PIPESTATUS[0]} > \(ShellQuoting.quote(status.path))"
        let shell = try S.Background("/bin/bash", ["-c", script], in: module)
        defer { if shell.isRunning { shell.kill(SIGKILL) } }

        #expect(S.waitFor(120) { FileManager.default.fileExists(atPath: status.path) }, "stderr: \(shell.stderr)")
        let code = (try? String(contentsOf: status, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code == "141", "exit status \(code ?? "none"); stderr: \(shell.stderr)")
        #expect(S.processes(matching: "sleep \(marker)").isEmpty)
        #expect(S.pids(in: pids).allSatisfy { !S.isRunning($0) })
        let events = S.events(dist.appendingPathComponent(JournalHeader.fileName))
        #expect(events.contains(.interrupted(signal: "SIGPIPE")))
        guard case .releaseFinished(let outcome, _)? = events.last else {
            Issue.record("the journal does not end with releaseFinished: \(String(describing: events.last))")
            return
        }
        #expect(outcome == .interrupted)
    }

    @Test func kill9LeavesNoBuildRunningBeyondTwoSeconds() throws {
        let module = TestSupport.copyFixture("journal-hello")
        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let marker = S.marker(60)
        let go = try S.slowGo(seconds: marker, pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let releaser = try S.Background.shipdeck(
            ["release", "--no-tui", "--go", go.path, "--parallelism", "2", "--dist", dist.path], in: module)
        #expect(S.waitFor(60) { S.processes(matching: "sleep \(marker)").count == 2 })
        let wrappers = S.pids(in: pids)
        #expect(wrappers.count == 2)
        #expect(S.processes(matching: "shipdeck-supervisor").count >= 1)

        let sent = Date()
        releaser.kill(SIGKILL)
        let gone = S.waitFor(5) {
            S.processes(matching: "sleep \(marker)").isEmpty && wrappers.allSatisfy { !S.isRunning($0) }
        }
        let took = Date().timeIntervalSince(sent)
        #expect(gone && took < 2, "build trees still running \(took)s after kill -9: \(S.processes(matching: "sleep \(marker)"))")
        print("kill -9 of shipdeck: every build tree gone after \(String(format: "%.3f", took)) s")
        _ = releaser.wait(5)
    }

    /// The supervisor keeps nothing of Shipdeck's open but its socket, however high the descriptor
    /// (a reader of a pipe Shipdeck inherited must see end-of-file when Shipdeck exits).
    @Test func theSupervisorHoldsOnlyItsSocketEvenAboveDescriptor1024() throws {
        let module = TestSupport.copyFixture("journal-hello")
        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let marker = S.marker(60)
        let go = try S.slowGo(seconds: marker, pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let held = module.deletingLastPathComponent().appendingPathComponent("held")
        let release = [
            TestSupport.shipdeckBinary.path, "release", "--no-tui", "--go", go.path, "--parallelism", "2", "--dist", dist.path,
        ].map(ShellQuoting.quote).joined(separator: " ")
        // bash opens 1500 and 700 without close-on-exec, then becomes Shipdeck (same pid).
        let shell = try S.Background(
            "/bin/bash", ["-c", "exec 1500>\(ShellQuoting.quote(held.path)) 700>&1500; exec \(release)"], in: module)
        defer {
            if shell.isRunning { shell.kill(SIGKILL) }
            _ = S.waitFor(5) { S.processes(matching: "sleep \(marker)").isEmpty }
        }
        #expect(S.waitFor(60) { S.processes(matching: "sleep \(marker)").count == 2 })
        let mine = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { entry in
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[close...].split(separator: " ")
            let cmd = (try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8)) ?? ""
            return fields.count > 2 && fields[2] == "\(shell.pid)" && cmd.hasPrefix("shipdeck-supervisor")
        }
        try #require(mine.count == 1, "no supervisor of this release among /proc")
        let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(mine[0])/fd").sorted()
        #expect(fds == ["0", "1", "2", "3"], "the supervisor holds \(fds)")
        let socket = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(mine[0])/fd/3")
        #expect(socket.hasPrefix("socket:"), "\(socket)")
        let shipdecks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(shell.pid)/fd")
        #expect(shipdecks.contains("1500") && shipdecks.contains("700"), "the test did not give Shipdeck the descriptors: \(shipdecks)")
    }

    @Test func releaseTimeoutFailsRunningCellsAndKillsTheirTrees() throws {
        let module = TestSupport.copyFixture("journal-hello")
        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let marker = S.marker(60)
        let go = try S.slowGo(seconds: marker, pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let started = Date()
        let result = TestSupport.shipdeck(
            ["release", "--no-tui", "--go", go.path, "--parallelism", "2", "--timeout", "3s", "--dist", dist.path],
            in: module)
        let took = Date().timeIntervalSince(started)
        #expect(result.status == 1, "\(result.combined)")
        #expect(took < 30, "took \(took)s")
        #expect(result.stdout.contains("the release passed --timeout 3.0s"), "\(result.stdout)")
        #expect(result.stdout.contains("timed out (--timeout 3.0s)"), "\(result.stdout)")
        #expect(result.stdout.contains("not started: the release passed --timeout 3.0s"), "\(result.stdout)")
        #expect(S.processes(matching: "sleep \(marker)").isEmpty)
        #expect(S.pids(in: pids).allSatisfy { !S.isRunning($0) })
    }

    @Test func cellTimeoutFailsTheCellSayingSo() throws {
        let module = TestSupport.copyFixture("journal-hello")
        let config = module.appendingPathComponent("shipdeck.yml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try (text + "timeout: 2s\n").write(to: config, atomically: true, encoding: .utf8)
        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let marker = S.marker(60)
        let go = try Self.slowGo(arch: "arm64", marker: marker, pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let result = TestSupport.shipdeck(
            ["release", "--no-tui", "--go", go.path, "--parallelism", "3", "--dist", dist.path], in: module)
        #expect(result.status == 1, "\(result.combined)")
        #expect(result.stdout.contains("[linux/arm64] failed"), "\(result.stdout)")
        #expect(result.stdout.contains("timed out (timeout: 2.0s per cell)"), "\(result.stdout)")
        #expect(result.stdout.contains("[linux/amd64] succeeded"), "\(result.stdout)")
        #expect(S.processes(matching: "sleep \(marker)").isEmpty)
        #expect(S.pids(in: pids).allSatisfy { !S.isRunning($0) })
    }

    @Test func badTimeoutValuesAreRefusedBeforeAnythingBuilds() throws {
        let module = TestSupport.copyFixture("journal-hello")
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let flag = TestSupport.shipdeck(["release", "--no-tui", "--timeout", "soon", "--dist", dist.path], in: module)
        #expect(flag.status == 64 || flag.status == 2, "\(flag.combined)")
        #expect(flag.stderr.contains("--timeout soon is not a duration"), "\(flag.combined)")
        let config = module.appendingPathComponent("shipdeck.yml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try (text + "timeout: 5 minutes\n").write(to: config, atomically: true, encoding: .utf8)
        let key = TestSupport.shipdeck(["release", "--no-tui", "--dist", dist.path], in: module)
        #expect(key.status == 2, "\(key.combined)")
        #expect(key.stderr.contains("timeout: 5 minutes is not a duration"), "\(key.combined)")
        #expect(key.stderr.contains("90s, 5m or 1h30m"), "\(key.combined)")
        #expect(!FileManager.default.fileExists(atPath: dist.appendingPathComponent("logs").path))
    }
}
