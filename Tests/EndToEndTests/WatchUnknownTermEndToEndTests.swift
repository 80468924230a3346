import Foundation
import Testing

/// `shipdeck watch` on a terminal whose TERM terminfo does not know falls back to lines, as
/// `release` does: an ssh watcher with an odd TERM still sees the release, and gets its exit code.
@Suite(.serialized, .ownThreads) struct WatchUnknownTermEndToEndTests {
    @Test func watchWithAnUnknownTermPrintsLinesAndTheReleasesExitCode() throws {
        let module = TestSupport.copyFixture("hello", example: true)
        let released = TestSupport.shipdeck(
            ["release", "--no-tui", "--version", "1.0.0", "--target", "linux/amd64"],
            in: module)
        try #require(released.status == 0, "\(released.combined)")
        let tmux = try DashboardTmuxTests.Tmux(width: 120, height: 40, directory: module)
        defer { tmux.kill() }
        // The echo's quotes keep the typed line from matching what it prints.
        // tmux sets the pane's TERM itself: give the odd one to watch alone.
        tmux.type(
            "TERM=shipdeck-no-such-terminal \(DashboardTmuxTests.shipdeck) watch dist; echo \"WATCH\"\"-STATUS=$?\"")
        #expect(tmux.waitFor(timeout: 60) { $0.contains("WATCH-STATUS=") }, "watch never returned:\n\(tmux.capture())")
        let screen = tmux.capture()
        #expect(screen.contains("WATCH-STATUS=0"), "\(screen)")
        #expect(
            screen.contains("cannot open the dashboard on this terminal (TERM=shipdeck-no-such-terminal)"), "\(screen)")
        #expect(screen.contains("printing lines instead"), "\(screen)")
        #expect(screen.contains("release succeeded"), "\(screen)")
    }
}
