import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The dashboard's reading keys and the mouse, end to end: the real binary in a real terminal
/// (tmux), at 60×20, 80×24 and 200×60. One release is built once with real go (a chatty `go`
/// wrapper, a failing windows cell) and every test opens it with `shipdeck watch`, so the tmux
/// time is spent on keys, not builds. Every wait polls the pane with a deadline.
@Suite("Dashboard reading keys and mouse in tmux", .serialized, .ownThreads)
struct DashboardReadingTmuxTests {
    typealias Tmux = DashboardTmuxTests.Tmux

    /// The module with a finished release in dist/ (linux/amd64 ok, windows/amd64 failed).
    static let built: URL = {
        let module = TestSupport.copyFixture("dashboard-reading")
        let wrapper = module.appendingPathComponent("go-chatty.sh")
        let script = try! String(contentsOf: wrapper, encoding: .utf8).replacingOccurrences(of: "@REAL_GO@", with: TestSupport.goBinary)
        try! script.write(to: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper.path, 0o755)
        let result = TestSupport.shipdeck(["release", "--no-tui", "--version", "1.0.0", "--target", "linux/amd64",
                                           "--target", "windows/amd64", "--go", wrapper.path], in: module)
        precondition(result.status == 1, "the fixture release should fail on windows: \(result.combined)")
        try! result.stdout.write(to: module.appendingPathComponent("release-output.txt"), atomically: true, encoding: .utf8)
        return module
    }()

    @Test("the release wrote dist/timeline.svg (not in checksums.txt, known to verify) and a text chart in its output")
    func timelineFiles() throws {
        let dist = Self.built.appendingPathComponent("dist")
        let svg = try String(contentsOf: dist.appendingPathComponent("timeline.svg"), encoding: .utf8)
        // Well-formed XML with a bar (and tooltip) per stage of each cell and a row for the steps.
        let parsed = XMLParser(data: Data(svg.utf8))
        #expect(parsed.parse(), "timeline.svg is not well-formed: \(parsed.parserError.map { "\($0)" } ?? "")")
        #expect(svg.contains("<title>linux/amd64 build: ") && svg.contains("<title>linux/amd64 archive: "))
        #expect(svg.contains("<title>windows/amd64 build: ") && svg.contains(", failed</title>"))
        #expect(svg.contains(">checksums</text>"))
        let checksums = try String(contentsOf: dist.appendingPathComponent("checksums.txt"), encoding: .utf8)
        #expect(!checksums.contains("timeline"))
        let artifacts = try String(contentsOf: dist.appendingPathComponent("artifacts.json"), encoding: .utf8)
        #expect(!artifacts.contains("timeline"))
        let verify = TestSupport.shipdeck(["verify", dist.path], in: Self.built)
        #expect(!verify.combined.contains("timeline.svg"), "verify named the timeline: \(verify.combined)")
        let output = try String(contentsOf: Self.built.appendingPathComponent("release-output.txt"), encoding: .utf8)
        #expect(output.contains("\nTimeline\n"), "\(output)")
        // The row's first mark is the build; it may start a column late (the chart's 0 is the
        // release's start, and on a 0.4 s chart one column is 8 ms: the other cell may start first).
        #expect(output.range(of: #"linux/amd64   \| *b"#, options: .regularExpression) != nil,
                "the chart row starts with the build: \(output)")
        #expect(output.contains("(ended last)"))
    }

    static var shipdeck: String { TestSupport.shipdeckBinary.path }

    /// Opens the built release read-only in a `width`×`height` tmux pane. Inside tmux TERM is
    /// tmux-256color (X10 mouse reports, an `Ms` capability); `term` runs the dashboard under
    /// another terminal type instead (xterm-256color: SGR mouse reports, no `Ms`).
    static func open(width: Int, height: Int, flags: String = "", environment: [String] = [],
                     term: String? = nil) throws -> Tmux {
        let tmux = try Tmux(width: width, height: height, directory: built, environment: environment)
        tmux.type("\(term.map { "TERM=\($0) " } ?? "")\(shipdeck) watch \(flags) dist; echo \"EXIT=$?\"")
        guard tmux.waitFor(timeout: 60, { $0.contains("Matrix") && $0.contains("Log windows/amd64") }) else {
            tmux.kill()
            throw Tmux.Failure("the dashboard did not open:\n\(tmux.capture())")
        }
        return tmux
    }

    /// A press and release of the first button at a screen cell (0-based), as the terminal reports
    /// it: SGR (`ESC [ < b ; x ; y M`, xterm-256color) or X10 (`ESC [ M` and three bytes, tmux-256color).
    static func click(_ tmux: Tmux, row: Int, column: Int, sgr: Bool) {
        report(tmux, button: 0, row: row, column: column, sgr: sgr, release: false)
        report(tmux, button: 0, row: row, column: column, sgr: sgr, release: true)
    }

    static func wheel(_ tmux: Tmux, up: Bool, row: Int, column: Int, sgr: Bool) {
        report(tmux, button: up ? 64 : 65, row: row, column: column, sgr: sgr, release: false)
    }

    static func report(_ tmux: Tmux, button: Int, row: Int, column: Int, sgr: Bool, release: Bool) {
        let bytes: [UInt8]
        if sgr {
            bytes = Array("\u{1b}[<\(button);\(column + 1);\(row + 1)\(release ? "m" : "M")".utf8)
        } else {
            bytes = [0x1b, 0x5b, 0x4d, UInt8(32 + (release ? 3 : button)), UInt8(33 + column), UInt8(33 + row)]
        }
        // Raw bytes (tmux `send-keys -H`), so the application reads exactly them.
        tmux.tmux(["send-keys", "-H"] + bytes.map { String(format: "%02x", $0) })
    }

    /// Row and column of the first occurrence of `text` on the screen.
    static func position(of text: String, in screen: String) -> (row: Int, column: Int)? {
        for (row, line) in screen.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = line.range(of: text) {
                // Columns as a terminal counts them (these screens' wide glyphs are all one column).
                return (row, line[..<range.lowerBound].count)
            }
        }
        return nil
    }

    static func footer(_ screen: String) -> String {
        screen.split(separator: "\n").last.map(String.init) ?? ""
    }

    @Test("every reading key and click works at each size", arguments: [(60, 20), (80, 24), (200, 60)])
    func keysAndClicks(size: (Int, Int)) throws {
        let (width, height) = size
        // The widest size runs as xterm-256color (SGR reports), the others as tmux-256color (X10).
        let sgr = width >= 200
        let tmux = try Self.open(width: width, height: height, environment: ["SHIPDECK_CLIPBOARD=osc52"],
                                 term: sgr ? "xterm-256color" : nil)
        defer { tmux.kill() }
        // Mouse mode: clicks and the wheel (1000, with SGR 1006 where the terminal has it), never
        // drag or motion tracking (1002/1003), so Shift-drag selection stays the terminal's.
        #expect(tmux.display("#{mouse_standard_flag}#{mouse_all_flag}#{mouse_button_flag}") == "100")
        #expect(tmux.display("#{mouse_sgr_flag}") == (sgr ? "1" : "0"))

        // A click on linux/amd64's cell selects it.
        var screen = tmux.capture()
        guard let okCell = Self.position(of: "✔ ok", in: screen) else {
            Issue.record("no ok cell:\n\(screen)")
            return
        }
        Self.click(tmux, row: okCell.row, column: okCell.column + 1, sgr: sgr)
        #expect(tmux.waitFor(timeout: 20) { $0.contains("Log linux/amd64") }, "click on a cell:\n\(tmux.capture())")

        // A click on the log pane focuses it: l then scrolls it sideways (a grid focus would move the cell).
        screen = tmux.capture()
        guard let logTitle = Self.position(of: "Log linux/amd64", in: screen) else { return }
        Self.click(tmux, row: logTitle.row + 2, column: 3, sgr: sgr)
        tmux.press("l")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("col 9") }, "l in the log:\n\(tmux.capture())")
        tmux.press("h")
        #expect(tmux.waitFor(timeout: 20) { !$0.contains("col 9") && $0.contains("Log linux/amd64") })

        // / finds a line that only the log file still holds (memory keeps the last 2,000 of 3,000+).
        tmux.type("/needle-on-disk", enter: false)
        tmux.press("Enter")
        #expect(tmux.waitFor(timeout: 30) { $0.contains("needle-on-disk: only the log file") && $0.contains("match 1 of 1") },
                "search outside memory:\n\(tmux.capture())")
        tmux.press("n")
        #expect(tmux.waitFor(timeout: 20) { Self.footer($0).contains("match 1 of 1") })
        tmux.type("/no-such-text-anywhere", enter: false)
        tmux.press("Enter")
        #expect(tmux.waitFor(timeout: 30) { $0.contains("not found: no-such-text-anywhere (searched 30") },
                "no match says how many lines it read:\n\(tmux.capture())")
        tmux.press("Escape")

        // The long line: cut with a marker, whole when wrapped (w), and back.
        tmux.type("/END-OF-LONG", enter: false)
        tmux.press("Enter")
        #expect(tmux.waitFor(timeout: 30) { $0.contains("wide: filler-00") && $0.contains("›") },
                "the long line is cut with a marker:\n\(tmux.capture())")
        #expect(!tmux.capture().contains("END-OF-LONG-LINE"))
        // Zoomed (z), the wrapped line has the rows it needs even at 60×20.
        tmux.press("z")
        tmux.press("w")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("END-OF-LONG-LINE") && $0.contains("↪") && !$0.contains("Matrix") },
                "w wraps:\n\(tmux.capture())")
        tmux.press("w")
        tmux.press("z")
        #expect(tmux.waitFor(timeout: 20) { !$0.contains("END-OF-LONG-LINE") && $0.contains("Matrix") })

        // The wheel over the log scrolls it (follow turns off), without a key.
        tmux.press("G")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("follow") })
        screen = tmux.capture()
        if let title = Self.position(of: "Log linux/amd64", in: screen) {
            Self.wheel(tmux, up: true, row: title.row + 2, column: 4, sgr: sgr)
            #expect(tmux.waitFor(timeout: 20) { $0.contains("Log linux/amd64") && $0.contains("scroll") }, "wheel:\n\(tmux.capture())")
        }

        // z zooms the log over the whole screen and back.
        tmux.press("z")
        #expect(tmux.waitFor(timeout: 20) { !$0.contains("Matrix") && $0.contains("Log linux/amd64") }, "zoom:\n\(tmux.capture())")
        tmux.press("z")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("Matrix") })

        // t shows the timeline and says which cell ended last; t closes it.
        tmux.press("t")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("Timeline") && $0.contains("linux/amd64") && $0.contains("ended last") },
                "timeline:\n\(tmux.capture())")
        tmux.press("t")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("Matrix") && !$0.contains("Timeline") })

        // A click on the hashes pane focuses it; y copies the selected hash with OSC 52 (tmux keeps it as a buffer).
        screen = tmux.capture()
        guard let hashes = Self.position(of: "Hashes", in: screen) else {
            Issue.record("no hashes pane:\n\(screen)")
            return
        }
        Self.click(tmux, row: hashes.row + 1, column: hashes.column + 2, sgr: sgr)
        tmux.press("y")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("copied the sha256 of hello_1.0.0_") }, "y:\n\(tmux.capture())")
        let checksums = try String(contentsOf: Self.built.appendingPathComponent("dist/checksums.txt"), encoding: .utf8)
        let buffer = tmux.tmux(["show-buffer"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(buffer.count == 64 && checksums.contains(buffer), "the clipboard holds a hash of checksums.txt: \(buffer)")

        tmux.press("q")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("EXIT=") }, "q:\n\(tmux.capture())")
    }

    /// A press and its release that come in one read (a loaded machine, a link that batches them)
    /// are one click: ncurses returns one KEY_MOUSE for both and hands out its newest event first,
    /// so reading one event took the release and left the press for the next mouse event.
    @Test("a press and its release read together are a click", arguments: ["xterm-256color", "tmux-256color"])
    func pressAndReleaseInOneRead(term: String) throws {
        let sgr = term == "xterm-256color"
        let tmux = try Self.open(width: 80, height: 24, term: sgr ? term : nil)
        defer { tmux.kill() }
        let screen = tmux.capture()
        guard let okCell = Self.position(of: "✔ ok", in: screen) else {
            Issue.record("no ok cell:\n\(screen)")
            return
        }
        func report(release: Bool) -> [String] {
            let (row, column) = (okCell.row, okCell.column + 1)
            let bytes: [UInt8] = sgr
                ? Array("\u{1b}[<0;\(column + 1);\(row + 1)\(release ? "m" : "M")".utf8)
                : [0x1b, 0x5b, 0x4d, UInt8(32 + (release ? 3 : 0)), UInt8(33 + column), UInt8(33 + row)]
            return bytes.map { String(format: "%02x", $0) }
        }
        // Both reports in one tmux command: written to the pane together, read together.
        tmux.tmux(["send-keys", "-H"] + report(release: false) + report(release: true))
        #expect(tmux.waitFor(timeout: 20) { $0.contains("Log linux/amd64") }, "the click was lost:\n\(tmux.capture())")
        tmux.press("q")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("EXIT=") })
    }

    @Test("o opens the whole log, escaped, in $PAGER and returns to an intact dashboard")
    func pager() throws {
        let tmux = try Self.open(width: 100, height: 30, environment: ["PAGER=less -R"])
        defer { tmux.kill() }
        let before = tmux.capture()
        tmux.press("o")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("$ ") && !$0.contains("Matrix") }, "less did not open:\n\(tmux.capture())")
        // The pager starts at line 1 of the whole log (memory no longer holds it) and shows the
        // child's escape sequence as text: the terminal never sees it.
        tmux.press("/")
        tmux.type("hostile", enter: true)
        #expect(tmux.waitFor(timeout: 20) { $0.contains("hostile: \\e]52;c;aGFja2Vk\\x07 title") }, "escaped:\n\(tmux.capture())")
        #expect(tmux.tmux(["list-buffers"]).stdout.isEmpty, "the log's OSC 52 reached the terminal")
        tmux.press("q")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("back from the pager") && $0.contains("Matrix") },
                "not back:\n\(tmux.capture())")
        // Intact: the same layout as before, line for line, but the footer's message.
        let after = tmux.capture().split(separator: "\n").dropLast()
        let expected = before.split(separator: "\n").dropLast()
        #expect(Array(after.prefix(6)) == Array(expected.prefix(6)), "the dashboard changed:\n\(tmux.capture())")
        tmux.press("q")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("EXIT=") })
    }

    @Test("--no-mouse asks for no mouse reports; clicks then do nothing; y without OSC 52 support says so")
    func noMouseAndNoClipboard() throws {
        let tmux = try Self.open(width: 80, height: 24, flags: "--no-mouse", environment: ["SHIPDECK_CLIPBOARD="],
                                 term: "screen-256color")
        defer { tmux.kill() }
        #expect(tmux.display("#{mouse_any_flag}") == "0", "no mouse mode at all")
        let screen = tmux.capture()
        if let okCell = Self.position(of: "✔ ok", in: screen) {
            Self.click(tmux, row: okCell.row, column: okCell.column + 1, sgr: false)
        }
        tmux.press("?")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("Keys") })
        tmux.press("Escape")
        #expect(tmux.waitFor(timeout: 20) { !$0.contains("─ Keys") && $0.contains("Log windows/amd64") }, "the click moved the selection")
        // TERM=screen-256color has no Ms capability (GNU screen does not take OSC 52): nothing is sent.
        tmux.press("Tab")
        tmux.press("Tab")
        tmux.press("y")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("cannot copy") }, "\(tmux.capture())")
        #expect(tmux.tmux(["list-buffers"]).stdout.isEmpty)
        tmux.press("q")
        #expect(tmux.waitFor(timeout: 20) { $0.contains("EXIT=") })
    }
}
