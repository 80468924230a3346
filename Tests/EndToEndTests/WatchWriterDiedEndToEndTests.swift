import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `shipdeck watch` of a release whose process died (SIGKILL, no final event): it says DIED and
/// exits 1, in lines and in the dashboard, instead of following forever or showing it running.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(10))) struct WatchWriterDiedEndToEndTests {
    typealias S = WatchTestsSupport

    @Test func watchFollowsALiveReleaseAndReportsItDiedWhenItIsKilled() throws {
        let module = TestSupport.copyFixture("journal-hello", git: true)
        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let go = try S.slowGo(seconds: S.marker(3), pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let journal = dist.appendingPathComponent(JournalHeader.fileName)
        let releaser = try S.Background.shipdeck(
            ["release", "--no-tui", "--go", go.path, "--parallelism", "1", "--dist", dist.path], in: module)
        defer { releaser.kill() }
        #expect(S.waitFor(90) { !S.succeededCells(journal).isEmpty })
        let watcher = try S.Background.shipdeck(["watch", "--no-tui", dist.path], in: module)
        defer { watcher.kill() }
        // While the release runs, watch follows it.
        #expect(watcher.wait(1.5) == nil, "watch ended while the release ran: \(watcher.stdout)\(watcher.stderr)")
        releaser.kill(SIGKILL)
        _ = releaser.wait(10)

        let status = watcher.wait(30)
        #expect(status == 1, "watch: \(status.map(String.init) ?? "still running") \(watcher.stdout)\(watcher.stderr)")
        let pid = releaser.pid
        #expect(
            watcher.stderr.contains("the release DIED: its process \(pid) ended without finishing its journal"),
            "\(watcher.stderr)")
        #expect(watcher.stdout.contains("release DIED (its process \(pid) was killed or crashed)"), "\(watcher.stdout)")
        #expect(!watcher.stdout.contains("release succeeded"))
    }

    @Test func aReusedPidIsNotTheWriter() throws {
        let dir = TestSupport.temporaryDirectory("reused-pid")
        let journal = try SyntheticJournal.write(in: dir, finished: false)
        // A process alive now, started long after the journal says it was created: it has the pid, it
        // is not the writer.
        let other = try S.Background("/bin/sleep", ["60"], in: dir)
        defer { other.kill() }
        try S.setWriter(of: journal, pid: other.pid, created: Date().timeIntervalSince1970 - 3600)
        let watcher = try S.Background.shipdeck(["watch", "--no-tui", dir.path], in: dir)
        defer { watcher.kill() }
        let status = watcher.wait(30)
        #expect(status == 1, "watch: \(status.map(String.init) ?? "still following") \(watcher.stderr)")
        #expect(watcher.stderr.contains("the release DIED"), "\(watcher.stderr)")

        // The same process named as a writer that started before the journal: alive, so watch follows.
        try S.setWriter(of: journal, pid: other.pid, created: Date().timeIntervalSince1970 + 5)
        let follower = try S.Background.shipdeck(["watch", "--no-tui", dir.path], in: dir)
        defer { follower.kill() }
        #expect(follower.wait(2) == nil, "watch stopped following a live writer: \(follower.stderr)")
    }

    @Test func theDashboardShowsDiedAndQuitsWith1() throws {
        let dir = TestSupport.temporaryDirectory("died-dashboard")
        let journal = try SyntheticJournal.write(in: dir, finished: false)
        try S.setWriter(of: journal, pid: SyntheticJournal.deadPid())
        let tmux = try DashboardTmuxTests.Tmux(width: 100, height: 30, directory: dir)
        defer { tmux.kill() }
        tmux.type("\(DashboardTmuxTests.shipdeck) watch \(dir.path); echo \"WATCH\"\"-EXIT=$?\"")
        #expect(tmux.waitFor("✘ DIED", timeout: 30), "\(tmux.capture())")
        #expect(!tmux.capture().contains("RUNNING"), "\(tmux.capture())")
        tmux.press("q")
        #expect(tmux.waitFor("WATCH-EXIT=1", timeout: 20), "\(tmux.capture())")
    }
}
