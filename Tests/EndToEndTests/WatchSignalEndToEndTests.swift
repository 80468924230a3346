import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `shipdeck watch` ended by SIGINT or SIGTERM exits 128 + the signal, in lines and in the
/// dashboard (whose terminal is given back first).
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(10))) struct WatchSignalEndToEndTests {
    typealias S = WatchTestsSupport

    /// A journal of a release still running: its writer is this test process.
    static func liveJournal() throws -> URL {
        let dir = TestSupport.temporaryDirectory("live-journal")
        _ = try SyntheticJournal.write(in: dir, finished: false)
        return dir
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func headlessWatchExits128PlusTheSignal(_ pair: (Int32, Int32)) throws {
        let (signal, expected) = pair
        let dir = try Self.liveJournal()
        let watcher = try S.Background.shipdeck(["watch", "--no-tui", dir.path], in: dir)
        defer { watcher.kill() }
        #expect(S.waitFor(20) { watcher.stdout.contains("[linux/amd64] succeeded") }, "\(watcher.stdout)")
        #expect(watcher.isRunning)
        watcher.kill(signal)
        let status = watcher.wait(20)
        #expect(status == expected, "status \(status.map(String.init) ?? "none"): \(watcher.stderr)")
        // (Asked only of an ended process: Foundation stops the test process otherwise.)
        if status != nil {
            #expect(watcher.process.terminationReason == .exit, "it died of the signal instead of exiting")
        }
    }

    @Test(arguments: [(SIGINT, "130"), (SIGTERM, "143")])
    func dashboardWatchExits128PlusTheSignalWithTheTerminalRestored(_ pair: (Int32, String)) throws {
        let (signal, expected) = pair
        let dir = try Self.liveJournal()
        let tmux = try DashboardTmuxTests.Tmux(width: 100, height: 30, directory: dir)
        defer { tmux.kill() }
        tmux.type("\(DashboardTmuxTests.shipdeck) watch \(dir.path); echo \"WATCH\"\"-EXIT=$?\"")
        #expect(tmux.waitFor("READ-ONLY", timeout: 30), "\(tmux.capture())")
        let watchers = (try FileManager.default.contentsOfDirectory(atPath: "/proc")).compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                let cmd = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8),
                cmd.contains("watch\u{0}\(dir.path)")
            else { return nil }
            return pid
        }
        try #require(watchers.count == 1, "\(watchers)")
        kill(watchers[0], signal)
        #expect(tmux.waitFor("WATCH-EXIT=\(expected)", timeout: 20), "\(tmux.capture())")
        // The terminal is the shell's again: the dashboard's screen is gone and a prompt follows.
        #expect(!tmux.capture().contains("READ-ONLY"), "\(tmux.capture())")
        tmux.type("echo back\"\"-at-the-prompt")
        #expect(tmux.waitFor("back-at-the-prompt", timeout: 10), "\(tmux.capture())")
    }
}
