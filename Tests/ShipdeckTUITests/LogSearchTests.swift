import Foundation
import ShipdeckModel
import Testing
@testable import ShipdeckTUI

/// `/` reads the attempt's whole log file, not only the 2,000 lines memory keeps.
@Suite("Search of the whole log file")
struct LogSearchTests {
    let now = RecordedReleases.now

    /// A release whose dist/ is a real temporary folder with a 200,000-line log on disk and the
    /// matching events (memory keeps the last 2,000 lines).
    static func flooded(lines count: Int = 200_000) throws -> (ReleaseState, URL) {
        let dist = FileManager.default.temporaryDirectory.appendingPathComponent("shipdeck-search-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dist.appendingPathComponent("logs"), withIntermediateDirectories: true)
        var lines = (0..<count).map { "line \($0) of the flood" }
        lines[1234] = "needle: the compile error is here"
        lines[count * 3 / 4] = "\u{1b}[31mNEEDLE\u{1b}[0m in colour"
        lines[count - 10] = "needle near the end"
        let log = dist.appendingPathComponent(DistPaths.logPath(cell: "linux/amd64", attempt: 1))
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: log)
        var info = RecordedReleases.info()
        info.distDirectory = dist.path
        var r = RecordedReleases.Recorder()
        r.add(0, .releaseStarted(info))
        for target in RecordedReleases.targets { r.add(0, .cellQueued(cell: target.description, attempt: 1)) }
        r.add(1, .stageStarted(cell: "linux/amd64", attempt: 1, stage: .build))
        for start in stride(from: 0, to: count, by: 10_000) {
            r.add(2, .log(cell: "linux/amd64", attempt: 1, lines: Array(lines[start..<min(count, start + 10_000)])))
        }
        return (r.state(), dist)
    }

    func render(_ controller: DashboardController, _ state: ReleaseState, width: Int = 100, height: Int = 30) -> GridScreen {
        let screen = GridScreen(width: width, height: height)
        controller.render(state, now: now, on: screen)
        return screen
    }

    func search(_ query: String, _ controller: DashboardController, _ state: ReleaseState) -> GridScreen {
        controller.handle(.character("/"), state: state, now: now)
        for c in query { controller.handle(.character(c), state: state, now: now) }
        controller.handle(.enter, state: state, now: now)
        _ = controller.logSearch?.wait()
        return render(controller, state)
    }

    @Test("a line only on disk is found and shown at its place, with match i of N; n and N go round all matches")
    func findsOutsideTail() throws {
        let (state, dist) = try Self.flooded()
        defer { try? FileManager.default.removeItem(at: dist) }
        let controller = DashboardController(commands: RecordingCommands())
        _ = render(controller, state)
        controller.handle(.enter, state: state, now: now)
        controller.handle(.character("g"), state: state, now: now)
        var screen = search("needle", controller, state)
        #expect(controller.view.searchProgress.matchCount == 3)
        #expect(controller.view.searchProgress.linesSearched == 200_000)
        #expect(controller.view.matchLine == 1234, "the first match from the top is line 1235")
        #expect(screen.text.contains("needle: the compile error is here"), "\(screen.text)")
        #expect(screen.text.contains("/needle 1/3"))
        controller.handle(.character("n"), state: state, now: now)
        screen = render(controller, state)
        #expect(controller.view.matchLine == 150_000)
        #expect(screen.text.contains("\\e[31mNEEDLE\\e[0m in colour"), "escaped, as the pane shows it")
        #expect(screen.text.contains("/needle 2/3"))
        controller.handle(.character("n"), state: state, now: now)
        #expect(controller.view.matchLine == 199_990, "in memory's tail")
        controller.handle(.character("n"), state: state, now: now)
        #expect(controller.view.matchLine == 1234, "wraps")
        controller.handle(.character("N"), state: state, now: now)
        #expect(controller.view.matchLine == 199_990)
    }

    @Test("a search without a match says how many lines it read")
    func notFound() throws {
        let (state, dist) = try Self.flooded(lines: 5_000)
        defer { try? FileManager.default.removeItem(at: dist) }
        let controller = DashboardController(commands: RecordingCommands())
        _ = render(controller, state)
        let screen = search("haystack-free", controller, state)
        #expect(screen.lines.last?.contains("not found: haystack-free (searched 5000 lines of ") == true, "\(screen.lines.last ?? "")")
        // Without a file (a journal from another machine), memory's lines are searched and counted.
        let memoryOnly = RecordedReleases.running
        let other = DashboardController(commands: RecordingCommands())
        _ = render(other, memoryOnly)
        let s2 = search("haystack-free", other, memoryOnly)
        #expect(s2.lines.last?.contains("not found: haystack-free (searched the ") == true, "\(s2.lines.last ?? "")")
    }

    @Test("the file is split into lines as the engine splits output: a trailing CR dropped, over-long lines cut at 64 KiB")
    func lineSplitting() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shipdeck-split-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: url) }
        let long = String(repeating: "x", count: 64 * 1024 + 10)
        try Data("one\r\ntwo\n\(long)\nlast".utf8).write(to: url)
        let file = LogFile(url: url)
        let lines = file.lines(0..<10)
        #expect(lines.count == 5)
        #expect(lines[0] == "one" && lines[1] == "two" && lines[4] == "last")
        #expect(lines[2].count == 64 * 1024 && lines[3] == "xxxxxxxxxx")
        #expect(LogSearch.run(query: "LAST", url: url).matches == [4])
        #expect(LogSearch.run(query: "x", url: url.appendingPathExtension("missing")).readable == false)
    }

    @Test("reading a window far into a big file seeks from a checkpoint instead of the start")
    func checkpoints() throws {
        let (state, dist) = try Self.flooded(lines: 20_000)
        defer { try? FileManager.default.removeItem(at: dist) }
        _ = state
        let file = LogFile(url: dist.appendingPathComponent(DistPaths.logPath(cell: "linux/amd64", attempt: 1)))
        #expect(file.lines(15_001..<15_003) == ["line 15001 of the flood", "line 15002 of the flood"])
        #expect(file.checkpoints.count >= 15, "\(file.checkpoints.count)")
        #expect(file.lines(1_234..<1_235) == ["needle: the compile error is here"])
        #expect(file.lines(16_000..<16_001) == ["line 16000 of the flood"])
    }
}
