import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `shipdeck watch --no-tui`: follows a live release from its journal and reads damaged ones.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(10))) struct WatchEndToEndTests {
    typealias S = WatchTestsSupport

    @Test func watchStartedMidwayPrintsReplayedThenLiveEventsAndTheSameSummary() throws {
        let module = TestSupport.copyFixture("journal-hello", git: true)
        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let go = try S.slowGo(seconds: S.marker(1), pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let journal = dist.appendingPathComponent(JournalHeader.fileName)
        let releaser = try S.Background.shipdeck(
            ["release", "--no-tui", "--go", go.path, "--parallelism", "1", "--dist", dist.path], in: module)

        // Mid-way: one cell done, the others still to come.
        #expect(S.waitFor(90) { !S.succeededCells(journal).isEmpty })
        let seenBefore = S.events(journal)
        #expect(releaser.isRunning)
        #expect(!seenBefore.contains { if case .releaseFinished = $0 { return true } else { return false } })

        // Two watchers at once, both read-only.
        let watchers = try (0..<2).map { _ in try S.Background.shipdeck(["watch", "--no-tui", dist.path], in: module) }
        let releaseStatus = releaser.wait(120)
        #expect(releaseStatus == 0, "release: \(releaser.stdout)\(releaser.stderr)")
        for watcher in watchers {
            let status = watcher.wait(30)
            #expect(status == 0, "watch: \(watcher.stdout)\(watcher.stderr)")
            // Replayed and live events print exactly the lines the release printed.
            #expect(watcher.stdout == releaser.stdout)
            #expect(S.summary(of: watcher.stdout) == S.summary(of: releaser.stdout))
            #expect(S.summary(of: watcher.stdout).contains("release succeeded: 3 of 3 cells"))
            #expect(watcher.stdout.contains("[windows/amd64] build started"))
        }
        // The journal saw more than the watchers were started with: they followed it live.
        #expect(S.events(journal).count > seenBefore.count)
    }

    @Test func watchReportsTruncatedGarbageAndFutureFormatAndShowsWhatItRead() throws {
        let dir = TestSupport.temporaryDirectory("damaged-journal")
        let journal = try SyntheticJournal.write(in: dir, finished: false)
        var lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").map(String.init)
        // A newer format, written by a process that no longer exists on this machine.
        lines[0] = lines[0].replacingOccurrences(of: "\"format\":2", with: "\"format\":99")
            .replacingOccurrences(of: "\"pid\":\(getpid())", with: "\"pid\":\(SyntheticJournal.deadPid())")
        lines.insert("%%% this is not json %%%", at: 4)
        let torn = String(lines.removeLast().prefix(30))
        try (lines.joined(separator: "\n") + "\n" + torn).write(to: journal, atomically: true, encoding: .utf8)

        for arguments in [["watch", "--no-tui", dir.path], ["watch", "--no-tui", "--no-follow", dir.path]] {
            let result = TestSupport.shipdeck(arguments, in: dir)
            #expect(result.status == 1, "\(arguments): \(result.combined)")
            #expect(result.stderr.contains("journal format 99"), "\(result.stderr)")
            #expect(result.stderr.contains("newer than this Shipdeck reads (format \(JournalHeader.currentFormat))"))
            #expect(result.stderr.contains("line 5 is garbage"), "\(result.stderr)")
            #expect(result.stderr.contains("line \(lines.count + 1) is truncated"), "\(result.stderr)")
            // What could be read is shown.
            #expect(result.stdout.contains("shipdeck: releasing synth 1.0.0"))
            #expect(result.stdout.contains("[linux/amd64] succeeded"))
        }
        let following = TestSupport.shipdeck(["watch", "--no-tui", dir.path], in: dir)
        #expect(following.stderr.contains("ended without finishing its journal"), "\(following.stderr)")
    }

    @Test func watchWorksOnAReadOnlyFileSystem() throws {
        let source = TestSupport.temporaryDirectory("ro-source")
        let journal = try SyntheticJournal.write(in: source, finished: true)
        let mountPoint = TestSupport.temporaryDirectory("ro-mount")
        let mounted = TestSupport.run(
            "/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint.path], in: source)
        try #require(mounted.status == 0, "mount: \(mounted.stderr)")
        defer { _ = TestSupport.run("/bin/umount", [mountPoint.path], in: source) }
        try FileManager.default.copyItem(at: journal, to: mountPoint.appendingPathComponent(JournalHeader.fileName))
        let remount = TestSupport.run("/bin/mount", ["-o", "remount,ro", mountPoint.path], in: source)
        try #require(remount.status == 0, "remount: \(remount.stderr)")
        #expect(!FileManager.default.createFile(atPath: mountPoint.appendingPathComponent("probe").path, contents: nil))

        let result = TestSupport.shipdeck(["watch", "--no-tui", mountPoint.path], in: source)
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.stdout.contains("release succeeded: 1 of 1 cells"))
        #expect(result.stderr.isEmpty)
    }

    @Test func watchMirrorsAFailedRelease() throws {
        let dir = TestSupport.temporaryDirectory("failed-journal")
        _ = try SyntheticJournal.write(in: dir, finished: true, outcome: .failed)
        let result = TestSupport.shipdeck(["watch", "--no-tui", dir.path], in: dir)
        #expect(result.status == 1, "\(result.combined)")
        #expect(result.stdout.contains("release FAILED"))
    }

    @Test func watchWithoutAJournalSaysWhatToPass() throws {
        let dir = TestSupport.temporaryDirectory("no-journal")
        let result = TestSupport.shipdeck(["watch", "--no-tui", "--no-follow", dir.path], in: dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains("no journal at"))
        #expect(result.stderr.contains("hint:"))
    }

    @Test func watchRefusesAFIFOOrADeviceAsItsJournal() throws {
        let dir = TestSupport.temporaryDirectory("fifo-journal")
        let fifo = dir.appendingPathComponent(JournalHeader.fileName)
        try #require(mkfifo(fifo.path, 0o644) == 0)
        for (arguments, kind) in [
            (["watch", "--no-tui", dir.path], "a FIFO (named pipe)"),
            (["watch", "--no-tui", fifo.path], "a FIFO (named pipe)"),
            (["watch", "--no-tui", "--no-follow", dir.path], "a FIFO (named pipe)"),
            (["watch", "--no-tui", "/dev/zero"], "a character device"),
        ] {
            let watcher = try WatchTestsSupport.Background.shipdeck(arguments, in: dir)
            defer { watcher.kill() }
            let status = watcher.wait(20)
            #expect(status == 2, "\(arguments): \(status.map(String.init) ?? "hung") \(watcher.stderr)")
            #expect(watcher.stderr.contains("is \(kind), not a regular file"), "\(watcher.stderr)")
            #expect(watcher.stderr.contains("hint:"), "\(watcher.stderr)")
        }
    }
}

/// A small journal written by the real `JournalWriter` from a hand-made event stream.
enum SyntheticJournal {
    static func write(in dist: URL, finished: Bool, outcome: ReleaseOutcome = .succeeded) throws -> URL {
        let target = BuildTarget(goos: "linux", goarch: "amd64")
        let info = ReleaseInfo(
            project: "synth", version: "1.0.0", commit: "0123456789abcdef", goVersion: "go1.27.3",
            sourceDateEpoch: 946_684_800, distDirectory: dist.path, shipdeckVersion: Shipdeck.version,
            cells: [CellInfo(id: "linux/amd64", target: target, artifactBase: "synth_1.0.0_linux_amd64")])
        let clock = FakeClock()
        let hub = EventHub(clock: { clock.now })
        let writer = JournalWriter(dist: dist)
        hub.add(writer)
        let status: CellStatus = outcome == .succeeded ? .succeeded : .failed
        var events: [EngineEvent] = [
            .releaseStarted(info),
            .cellQueued(cell: "linux/amd64", attempt: 1),
            .cellFingerprint(
                cell: "linux/amd64", attempt: 1, fingerprint: String(repeating: "a", count: 64), reused: false),
            .stageStarted(cell: "linux/amd64", attempt: 1, stage: .build),
            .log(cell: "linux/amd64", attempt: 1, lines: ["$ go build", "ok"]),
            .stageFinished(
                cell: "linux/amd64", attempt: 1, stage: .build, result: status == .succeeded ? .succeeded : .failed,
                seconds: 1.25, detail: status == .succeeded ? nil : "go build failed (exit status 1)"),
            .cellFinished(
                cell: "linux/amd64", attempt: 1, status: status, seconds: 1.5,
                error: status == .succeeded ? nil : "go build failed (exit status 1)"),
            .stepStarted(step: .checksums),
            .stepFinished(step: .checksums, result: .succeeded, seconds: 0.01, detail: "1 files"),
        ]
        if finished { events.append(.releaseFinished(outcome: outcome, seconds: 2)) }
        for event in events {
            clock.now += 0.25
            hub.emit(event)
            hub.flush()
        }
        writer.close()
        return writer.url
    }

    /// Event times a quarter second apart, from a fixed start.
    final class FakeClock: @unchecked Sendable {
        var now = 1_700_000_000.0
    }

    /// The pid of a process that has ended (and been reaped).
    static func deadPid() -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try? process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}

extension WatchEndToEndTests {
    @Test func aJournalDeletedWhileWatchFollowsItIsReported() throws {
        let dir = TestSupport.temporaryDirectory("deleted-journal")
        // Unfinished, and its writer (this test process) alive: watch follows it.
        let journal = try SyntheticJournal.write(in: dir, finished: false)
        let watcher = try WatchTestsSupport.Background.shipdeck(["watch", "--no-tui", dir.path], in: dir)
        defer { watcher.kill() }
        #expect(
            WatchTestsSupport.waitFor(20) { watcher.stdout.contains("[linux/amd64] succeeded") }, "\(watcher.stdout)")
        #expect(watcher.isRunning)
        try FileManager.default.removeItem(at: journal)
        let status = watcher.wait(20)
        #expect(status == 1, "\(status.map(String.init) ?? "still following") \(watcher.stderr)")
        #expect(watcher.stderr.contains("\(journal.path) was deleted while watch followed it"), "\(watcher.stderr)")
    }

    @Test func theDashboardSaysTheJournalWasDeletedAndQuitsWith1() throws {
        let dir = TestSupport.temporaryDirectory("deleted-journal-dashboard")
        let journal = try SyntheticJournal.write(in: dir, finished: false)
        let tmux = try DashboardTmuxTests.Tmux(width: 100, height: 30, directory: dir)
        defer { tmux.kill() }
        tmux.type("\(DashboardTmuxTests.shipdeck) watch \(dir.path); echo \"WATCH\"\"-EXIT=$?\"")
        #expect(tmux.waitFor("RUNNING", timeout: 30), "\(tmux.capture())")
        try FileManager.default.removeItem(at: journal)
        #expect(tmux.waitFor("✘ JOURNAL DELETED", timeout: 20), "\(tmux.capture())")
        tmux.press("q")
        #expect(tmux.waitFor("WATCH-EXIT=1", timeout: 20), "\(tmux.capture())")
    }
}
