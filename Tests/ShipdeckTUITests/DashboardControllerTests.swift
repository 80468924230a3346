import Foundation
import ShipdeckModel
import Testing
@testable import ShipdeckTUI

/// Keys: what each one changes on screen and which command it sends.
@Suite("Dashboard keys")
struct DashboardControllerTests {
    let now = RecordedReleases.now

    func frame(_ controller: DashboardController, _ state: ReleaseState, width: Int = 80, height: Int = 24) -> GridScreen {
        let screen = GridScreen(width: width, height: height)
        controller.render(state, now: now, on: screen)
        return screen
    }

    @Test("until the user moves, the selection jumps to the first failed cell")
    func autoSelectsFailure() {
        let controller = DashboardController(commands: RecordingCommands())
        let screen = frame(controller, RecordedReleases.running)
        #expect(controller.view.selectedCell == "windows/amd64")
        #expect(screen.text.contains("syntax error: non-declaration statement"))
    }

    @Test("hjkl and arrows move through the grid, skipping holes")
    func navigation() {
        let state = RecordedReleases.running
        let controller = DashboardController(commands: RecordingCommands())
        _ = frame(controller, state)
        controller.handle(.character("k"), state: state, now: now)
        #expect(controller.view.selectedCell == "darwin/amd64")
        controller.handle(.right, state: state, now: now)
        #expect(controller.view.selectedCell == "darwin/arm64")
        controller.handle(.right, state: state, now: now)
        #expect(controller.view.selectedCell == "darwin/arm64", "darwin has no arm/7 cell")
        controller.handle(.up, state: state, now: now)
        #expect(controller.view.selectedCell == "linux/arm64")
        controller.handle(.character("l"), state: state, now: now)
        #expect(controller.view.selectedCell == "linux/arm/7")
        controller.handle(.character("j"), state: state, now: now)
        #expect(controller.view.selectedCell == "darwin/arm64", "nearest column in the next row")
        let screen = frame(controller, state)
        #expect(screen.text.contains("Log darwin/arm64"))
    }

    @Test("r retries the selected failed cell; on a running cell it says why not")
    func retry() {
        let commands = RecordingCommands()
        let state = RecordedReleases.running
        let controller = DashboardController(commands: commands)
        _ = frame(controller, state)
        controller.handle(.character("r"), state: state, now: now)
        #expect(commands.calls == ["retry windows/amd64"])
        #expect(frame(controller, state).lines[23].contains("retrying windows/amd64 (attempt 2)"))
        controller.handle(.character("k"), state: state, now: now)
        controller.handle(.character("r"), state: state, now: now)
        #expect(commands.calls == ["retry windows/amd64"])
        #expect(frame(controller, state).lines[23].contains("darwin/amd64 is running: only a failed or cancelled cell"))
    }

    @Test("R retries all failed cells and c cancels the selected running cell")
    func retryAllAndCancel() {
        let commands = RecordingCommands()
        let state = RecordedReleases.running
        let controller = DashboardController(commands: commands)
        _ = frame(controller, state)
        controller.handle(.character("R"), state: state, now: now)
        controller.handle(.character("k"), state: state, now: now)
        controller.handle(.character("c"), state: state, now: now)
        #expect(commands.calls == ["retryFailed", "cancel darwin/amd64"])
    }

    @Test("in read-only mode r, R and c are inert and say why in one line")
    func readOnly() {
        let state = RecordedReleases.running
        let controller = DashboardController(commands: nil)
        _ = frame(controller, state)
        for key in ["r", "R", "c"] {
            controller.handle(.character(Character(key)), state: state, now: now)
            let footer = frame(controller, state).lines[23]
            #expect(footer.contains("read-only"), "\(key): \(footer)")
            #expect(footer.contains("not available in watch mode"))
        }
    }

    @Test("q asks while cells run; y cancels everything and waits for the end; the exit code follows the outcome")
    func quitWhileRunning() {
        let commands = RecordingCommands()
        let running = RecordedReleases.running
        let controller = DashboardController(commands: commands)
        _ = frame(controller, running)
        controller.handle(.character("q"), state: running, now: now)
        #expect(controller.exitCode == nil)
        #expect(frame(controller, running).text.contains("Cancel them and quit? (y/n)"))
        controller.handle(.character("n"), state: running, now: now)
        #expect(commands.calls.isEmpty)
        #expect(!frame(controller, running).text.contains("Cancel them and quit?"))
        controller.handle(.character("q"), state: running, now: now)
        controller.handle(.character("y"), state: running, now: now)
        #expect(commands.calls == ["cancelAll"])
        #expect(controller.exitCode == nil, "waits for the release to end")
        #expect(frame(controller, running).lines[0].contains("CANCELLING"))
        _ = frame(controller, RecordedReleases.failed)
        #expect(controller.exitCode == 1)
    }

    @Test("q exits at once when the release has finished", arguments: ["finished", "failed"])
    func quitWhenFinished(name: String) {
        let state = name == "finished" ? RecordedReleases.finished : RecordedReleases.failed
        let code: Int32 = name == "finished" ? 0 : 1
        let commands = RecordingCommands()
        let controller = DashboardController(commands: commands)
        _ = frame(controller, state)
        controller.handle(.character("q"), state: state, now: now)
        #expect(controller.exitCode == code)
        #expect(commands.calls.isEmpty)
    }

    @Test("/ searches the log, highlights matches, n and N move between them")
    func search() {
        let state = RecordedReleases.running
        let controller = DashboardController(commands: RecordingCommands())
        _ = frame(controller, state)
        controller.handle(.character("k"), state: state, now: now)
        controller.handle(.character("k"), state: state, now: now)
        controller.handle(.right, state: state, now: now)
        #expect(controller.view.selectedCell == "linux/arm64")
        controller.handle(.enter, state: state, now: now)
        controller.handle(.character("g"), state: state, now: now)
        for key in "/PACKAGE 2" { controller.handle(key == "/" ? .character("/") : .character(key), state: state, now: now) }
        #expect(frame(controller, state).lines[23].contains("/PACKAGE 2_"))
        controller.handle(.enter, state: state, now: now)
        var screen = frame(controller, state)
        #expect(controller.view.follow == false)
        #expect(controller.view.matchLine == 1, "line 2 is 'compiling package 2 of 30'")
        guard let row = screen.lines.firstIndex(where: { $0.contains("compiling package 2 of 30") }) else {
            Issue.record("match not on screen")
            return
        }
        let column = screen.row(row).range(of: "package 2")!.lowerBound.utf16Offset(in: screen.row(row))
        #expect(screen.style(row: row, column: column) == Style(.match, selected: true))
        controller.handle(.character("n"), state: state, now: now)
        #expect(controller.view.matchLine == 19, "package 20")
        controller.handle(.character("N"), state: state, now: now)
        #expect(controller.view.matchLine == 1)
        controller.handle(.character("N"), state: state, now: now)
        #expect(controller.view.matchLine == 28, "wraps to package 29")
        screen = frame(controller, state)
        #expect(screen.text.contains("compiling package 29 of 30"))
        controller.handle(.character("G"), state: state, now: now)
        #expect(controller.view.follow)
    }

    @Test("f, g, G, PgUp and PgDn scroll the log and follow comes back at the end")
    func scrolling() {
        let state = RecordedReleases.running
        let controller = DashboardController(commands: RecordingCommands())
        _ = frame(controller, state)
        controller.handle(.character("k"), state: state, now: now)
        controller.handle(.character("k"), state: state, now: now)
        controller.handle(.right, state: state, now: now)
        controller.handle(.enter, state: state, now: now)
        #expect(controller.view.focus == .log)
        _ = frame(controller, state)
        #expect(frame(controller, state).text.contains("compiling package 30 of 30"))
        controller.handle(.character("g"), state: state, now: now)
        var screen = frame(controller, state)
        #expect(screen.text.contains("compiling package 1 of 30"))
        #expect(!screen.text.contains("compiling package 30 of 30"))
        controller.handle(.pageDown, state: state, now: now)
        #expect(!controller.view.follow)
        controller.handle(.pageDown, state: state, now: now)
        controller.handle(.pageDown, state: state, now: now)
        controller.handle(.pageDown, state: state, now: now)
        #expect(controller.view.follow, "paging to the end turns follow back on")
        controller.handle(.character("f"), state: state, now: now)
        #expect(!controller.view.follow)
        controller.handle(.pageUp, state: state, now: now)
        screen = frame(controller, state)
        #expect(!screen.text.contains("compiling package 30 of 30"))
        controller.handle(.character("f"), state: state, now: now)
        #expect(frame(controller, state).text.contains("compiling package 30 of 30"))
    }

    @Test("a cycles through a retried cell's attempts")
    func attempts() {
        let state = RecordedReleases.finished
        let controller = DashboardController(commands: RecordingCommands())
        _ = frame(controller, state)
        controller.handle(.character("j"), state: state, now: now)
        controller.handle(.character("j"), state: state, now: now)
        #expect(controller.view.selectedCell == "windows/amd64")
        var screen = frame(controller, state)
        #expect(screen.text.contains("attempt 2 of 2"))
        #expect(!screen.text.contains("syntax error"))
        controller.handle(.character("a"), state: state, now: now)
        screen = frame(controller, state)
        #expect(screen.text.contains("attempt 1 of 2 (earlier)"))
        #expect(screen.text.contains("syntax error"))
        controller.handle(.character("a"), state: state, now: now)
        #expect(frame(controller, state).text.contains("attempt 2 of 2"))
    }

    @Test("Tab moves the focus; in the hashes pane the selected hash is shown whole")
    func hashesFocus() {
        let state = RecordedReleases.finished
        let controller = DashboardController(commands: RecordingCommands())
        _ = frame(controller, state)
        controller.handle(.tab, state: state, now: now)
        controller.handle(.tab, state: state, now: now)
        #expect(controller.view.focus == .hashes)
        controller.handle(.character("j"), state: state, now: now)
        let screen = frame(controller, state)
        let whole = state.artifacts[1].sha256
        // The whole hash, wrapped over the detail lines at the bottom of the pane.
        let lines = screen.lines
        guard let first = lines.firstIndex(where: { $0.contains(" sha256 ") }) else {
            Issue.record("no sha256 detail line")
            return
        }
        let shown = lines[first...].prefix(2).map { line in
            line.split(separator: "│").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        }.joined().replacingOccurrences(of: "sha256 ", with: "")
        #expect(shown == whole)
        controller.handle(.backTab, state: state, now: now)
        #expect(controller.view.focus == .log)
    }

    @Test("child output is drawn escaped: no ESC, BEL or bidi control reaches the screen")
    func escapedOutput() {
        let controller = DashboardController(commands: RecordingCommands())
        let screen = frame(controller, RecordedReleases.running)
        #expect(screen.text.contains("\\e]52;c;aGVsbG8=\\x07\\e[2Jclipboard <U+202E>evil"))
        for scalar in screen.text.unicodeScalars {
            #expect(scalar.value >= 0x20 || scalar == "\n", "control U+\(String(scalar.value, radix: 16)) on screen")
            #expect(!(0x202a...0x202e).contains(scalar.value) && !(0x2066...0x2069).contains(scalar.value))
        }
    }

    @Test("an interrupted live release ends the dashboard with 130")
    func interrupted() {
        let controller = DashboardController(commands: RecordingCommands())
        controller.releaseInterrupted()
        #expect(controller.exitCode == 130)
        #expect(DashboardController.exitCode(.interrupted) == 130)
        #expect(DashboardController.exitCode(.cancelled) == 1)
    }
}

/// A cell whose log outgrew memory: the pane says how much is only on disk, and where.
@Suite("Dashboard log beyond memory")
struct DashboardLogOnDiskTests {
    @Test("g on a flooded log names the log file that holds the older lines")
    func olderLinesOnDisk() {
        var r = RecordedReleases.started()
        r.add(1, .stageStarted(cell: "linux/amd64", attempt: 1, stage: .build))
        r.add(2, .log(cell: "linux/amd64", attempt: 1, lines: (1...5000).map { "flood \($0)" }))
        let state = r.state()
        let controller = DashboardController(commands: RecordingCommands())
        let now = RecordedReleases.now
        var screen = GridScreen(width: 120, height: 30)
        controller.render(state, now: now, on: screen)
        #expect(screen.text.contains("flood 5000"))
        #expect(screen.text.contains("(1-3000 on disk)"))
        controller.handle(.enter, state: state, now: now)
        controller.handle(.character("g"), state: state, now: now)
        screen = GridScreen(width: 160, height: 30)
        controller.render(state, now: now, on: screen)
        #expect(screen.text.contains("flood 3001"))
        #expect(!screen.text.contains("flood 3000\n"))
        #expect(screen.lines[29].contains("the first 3000 lines are only on disk: /tmp/hello/dist/"), "\(screen.lines[29])")
    }
}
