import Foundation
import ShipdeckModel
import Testing
@testable import ShipdeckTUI

/// The log pane's reading aids: cut markers, wrapping, sideways scroll, zoom, the file's path, and
/// search of the whole file on disk. Golden frames pin what wrapped, scrolled and zoomed logs look like.
@Suite("Log view")
struct LogViewTests {
    let now = RecordedReleases.now

    /// linux/amd64 failed with a compile error longer than any pane, between shorter lines.
    static var longLines: ReleaseState {
        var r = RecordedReleases.started()
        let id = "linux/amd64"
        r.add(1, .stageStarted(cell: id, attempt: 1, stage: .build))
        r.add(2, .log(cell: id, attempt: 1, lines: [
            "$ go build -trimpath -o hello_1.2.0_linux_amd64 .",
            "# example.com/hello/internal/server",
            "internal/server/handler.go:41:17: cannot use cfg.Timeout (variable of type string) as time.Duration value in argument to http.TimeoutHandler: the compile error a maintainer needs is at the END of this line",
            "\tshort tabbed line",
            "构建失败: a wide line 文件名文件名文件名文件名文件名文件名文件名文件名文件名文件名文件名文件名文件名文件名文件名 END",
        ]))
        r.add(3, .stageFinished(cell: id, attempt: 1, stage: .build, result: .failed, seconds: 2, detail: nil))
        r.add(3, .cellFinished(cell: id, attempt: 1, status: .failed, seconds: 2, error: "go build failed (exit status 1)"))
        return r.state()
    }

    func controller(_ state: ReleaseState, keys: [DashboardKey], width: Int = 80, height: Int = 24) -> (DashboardController, GridScreen) {
        let controller = DashboardController(commands: RecordingCommands())
        var screen = GridScreen(width: width, height: height)
        controller.render(state, now: now, on: screen)
        for key in keys {
            controller.handle(key, state: state, now: now)
            screen = GridScreen(width: width, height: height)
            controller.render(state, now: now, on: screen)
        }
        return (controller, screen)
    }

    @Test("a line longer than the pane ends in a cut marker; l scrolls sideways to its end, with a marker on the left")
    func cutAndScroll() {
        let state = Self.longLines
        var (_, screen) = controller(state, keys: [.enter])
        guard let row = screen.lines.firstIndex(where: { $0.contains("handler.go:41:17") }) else {
            Issue.record("no compile error line:\n\(screen.text)")
            return
        }
        #expect(screen.lines[row].hasSuffix("›"), "no cut marker: \(screen.lines[row])")
        #expect(!screen.text.contains("END of this line"))
        GoldenFile.check("log-cut-80x24", DashboardGoldenTests.golden(screen))
        (_, screen) = controller(state, keys: [.enter] + Array(repeating: .character("l"), count: 16))
        #expect(screen.text.contains("END of this line"), "scrolled:\n\(screen.text)")
        #expect(screen.lines[row].hasPrefix("‹"), "left marker: \(screen.lines[row])")
        #expect(screen.text.contains("col 129"))
        GoldenFile.check("log-scrolled-80x24", DashboardGoldenTests.golden(screen))
        // h goes back; it never goes before the first column.
        let (c, _) = controller(state, keys: [.enter, .character("l"), .character("h"), .character("h")])
        #expect(c.view.logColumn == 0)
    }

    @Test("w wraps long lines onto the next rows with a continuation marker, wide characters whole")
    func wrap() {
        let (c, screen) = controller(Self.longLines, keys: [.enter, .character("w")])
        #expect(c.view.wrap)
        #expect(screen.text.contains("END of this line"), "wrapped:\n\(screen.text)")
        #expect(screen.text.contains("↪"))
        #expect(screen.text.contains("文件名 END"))
        #expect(!screen.text.contains("›"))
        GoldenFile.check("log-wrapped-80x24", DashboardGoldenTests.golden(screen))
    }

    @Test("z zooms the focused pane to the whole screen and back; Esc also leaves the zoom")
    func zoom() {
        var (c, screen) = controller(Self.longLines, keys: [.enter, .character("z")])
        #expect(c.view.zoomed)
        #expect(!screen.text.contains("─ Matrix"))
        #expect(!screen.text.contains("Hashes"))
        #expect(screen.lines[2].contains("Log linux/amd64"))
        GoldenFile.check("log-zoomed-80x24", DashboardGoldenTests.golden(screen))
        (c, screen) = controller(Self.longLines, keys: [.enter, .character("z"), .character("z")])
        #expect(!c.view.zoomed && screen.text.contains("─ Matrix"))
        (c, _) = controller(Self.longLines, keys: [.enter, .character("z"), .escape])
        #expect(!c.view.zoomed)
        // The grid zooms too.
        (c, screen) = controller(RecordedReleases.running, keys: [.character("z")])
        #expect(screen.lines[2].contains("Matrix") && !screen.text.contains("─ Log"))
    }

    @Test("the log pane names the attempt's log file; a cancelled cell says cancelled once")
    func pathAndCancelled() {
        var r = RecordedReleases.started()
        r.add(1, .stageStarted(cell: "linux/amd64", attempt: 1, stage: .build))
        r.add(2, .cellFinished(cell: "linux/amd64", attempt: 1, status: .cancelled, seconds: 1, error: "cancelled"))
        let (_, screen) = controller(r.state(), keys: [])
        #expect(screen.text.contains("log: /tmp/hello/dist/logs/linux_amd64.attempt-1.log"), "\(screen.text)")
        #expect(screen.text.contains("⊘ cancelled"))
        #expect(!screen.text.contains("cancelled: cancelled"))
    }

    @Test("rows: wrapping in follow mode keeps the end; slices never split a wide character")
    func rows() {
        let lines = ["aaaaaaaaaa", "bb", "cccccccccccccccccccc"]
        let follow = LogRows.make(height: 3, width: 8, first: 0, end: 3, follow: true, requestedTop: 0, wrap: true,
                                  column: 0) { lines[$0] }
        #expect(follow.rows.map(\.text) == ["cccccccc", "cccccccc", "cccc"])
        #expect(follow.rows.map(\.continuation) == [false, true, true])
        #expect(follow.top == 2)
        let four = LogRows.make(height: 4, width: 8, first: 0, end: 3, follow: true, requestedTop: 0, wrap: true,
                                column: 0) { lines[$0] }
        #expect(four.rows.map(\.text) == ["bb", "cccccccc", "cccccccc", "cccc"])
        let cut = LogRows.make(height: 3, width: 4, first: 0, end: 3, follow: false, requestedTop: 0, wrap: false,
                               column: 2) { lines[$0] }
        #expect(cut.rows[0].text == "aaaa" && cut.rows[0].cutLeft && cut.rows[0].cutRight)
        #expect(cut.rows[1].text == "" && !cut.rows[1].cutRight)
        #expect(LogRows.slice("文件名", from: 1, width: 4) == "件名")
        #expect(LogRows.slice("ab文件", from: 2, width: 3) == "文")
    }
}
