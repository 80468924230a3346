import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP during a release: every child tree ends, the journal gets an
/// `interrupted` event naming the signal and a final "interrupted" outcome, and shipdeck exits
/// 128 + the signal within 3 seconds.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(10))) struct SignalEndToEndTests {
    typealias S = WatchTestsSupport

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func signalStopsEveryChildTreeAndExitsWithinThreeSeconds(_ signal: Int32) throws {
        let module = TestSupport.copyFixture("journal-hello")
        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let marker = S.marker(60)
        let go = try S.slowGo(seconds: marker, pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let releaser = try S.Background.shipdeck(
            ["release", "--no-tui", "--go", go.path, "--parallelism", "2", "--dist", dist.path], in: module)
        // Two cells building: two wrappers, each with its sleeping child.
        #expect(S.waitFor(60) { S.processes(matching: "sleep \(marker)").count == 2 })
        let wrappers = S.pids(in: pids)
        #expect(wrappers.count == 2)

        let sent = Date()
        releaser.kill(signal)
        let status = releaser.wait(3)
        let took = Date().timeIntervalSince(sent)
        #expect(
            status == 128 + signal, "status \(String(describing: status)) after \(took)s: \(releaser.stdout)\(releaser.stderr)")
        #expect(took < 3)
        if status == nil { releaser.kill(SIGKILL) }

        #expect(S.processes(matching: "sleep \(marker)").isEmpty)
        #expect(wrappers.allSatisfy { !S.isRunning($0) })
        let events = S.events(dist.appendingPathComponent(JournalHeader.fileName))
        let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][signal] ?? "?"
        #expect(events.contains(.interrupted(signal: name)))
        guard case .releaseFinished(let outcome, _)? = events.last else {
            Issue.record("the journal does not end with releaseFinished: \(String(describing: events.last))")
            return
        }
        #expect(outcome == .interrupted)
        #expect(releaser.stdout.contains("release interrupted by \(name)"), "\(releaser.stdout)")
    }

    @Test func sigintDuringTheDashboardRestoresTheTerminal() throws {
        let module = TestSupport.copyFixture("journal-hello")
        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let marker = S.marker(60)
        let go = try S.slowGo(seconds: marker, pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let socket = "shipdeck-signal-\(UUID().uuidString.prefix(8))"
        func tmux(_ arguments: [String]) -> TestSupport.Output {
            S.runSpawned("/usr/bin/tmux", ["-L", socket] + arguments)
        }
        func screen() -> String { tmux(["capture-pane", "-p", "-t", "release"]).stdout }
        defer { _ = tmux(["kill-server"]) }

        let release = [
            TestSupport.shipdeckBinary.path, "release", "--go", go.path, "--parallelism", "2", "--dist", dist.path,
        ]
        // After the release: its exit status, then whether the tty is back in canonical mode with echo.
        let command =
            "cd \(ShellQuoting.quote(module.path)) && " + release.map(ShellQuoting.quote).joined(separator: " ")
            + "; echo RELEASE-EXIT=$?; stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo TTY-CHECKED; sleep 60"
        let started = tmux(["new-session", "-d", "-s", "release", "-x", "120", "-y", "36", command])
        try #require(started.status == 0, "tmux: \(started.stdout)")

        #expect(S.waitFor(60) { S.processes(matching: "sleep \(marker)").count == 2 }, "screen:\n\(screen())")
        #expect(S.waitFor(10) { screen().contains("journalhello") }, "screen:\n\(screen())")
        #expect(tmux(["display-message", "-p", "-t", "release", "#{alternate_on}"]).stdout.hasPrefix("1"))
        let releasePid = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap {
            entry -> pid_t? in
            guard let pid = pid_t(entry),
                let cmd = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8),
                cmd.hasPrefix(TestSupport.shipdeckBinary.path + "\0release"), cmd.contains(dist.path)
            else { return nil }
            return pid
        }.first
        let pid = try #require(releasePid)
        let wrappers = S.pids(in: pids)

        let sent = Date()
        kill(pid, SIGINT)
        #expect(S.waitFor(3) { screen().contains("RELEASE-EXIT=") }, "screen:\n\(screen())")
        #expect(Date().timeIntervalSince(sent) < 3)
        #expect(S.waitFor(5) { screen().contains("TTY-CHECKED") })
        let text = screen()
        #expect(text.contains("RELEASE-EXIT=130"), "screen:\n\(text)")
        #expect(text.contains("icanon echo "), "screen:\n\(text)")
        #expect(text.contains("release interrupted"), "screen:\n\(text)")
        #expect(tmux(["display-message", "-p", "-t", "release", "#{alternate_on}"]).stdout.hasPrefix("0"))
        #expect(S.processes(matching: "sleep \(marker)").isEmpty)
        #expect(wrappers.count == 2 && wrappers.allSatisfy { !S.isRunning($0) })
    }
}
