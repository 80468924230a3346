import ArgumentParser
import Foundation
import ShipdeckEngine
import ShipdeckTUI

/// `shipdeck watch [DIST]`: follows a release from its journal, read-only, from another terminal
/// or over SSH. It never writes anything and never talks to the release, so any number of
/// watchers can run at once, on a read-only file system too, without slowing the release.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a release from its journal, read-only (also from another terminal or over SSH).",
        discussion: """
            Replays dist/\(JournalHeader.fileName), then follows it as the release appends to it. The \
            dashboard shows a READ-ONLY badge and stays on the final state until q. With --no-tui (or when \
            stdout is not a terminal) it prints the same lines as a headless release and exits when the \
            release ends: 0 if it succeeded, 1 if it failed, was cancelled, its process died without \
            finishing the journal (shown as DIED) or the journal was deleted, 130 if it was interrupted. \
            Watch itself ended by SIGINT or SIGTERM exits 128 + the signal's number (130, 143).
            """)

    @Argument(help: "The release's dist folder, or its journal file.")
    var dist: String = "dist"

    @Flag(name: .customLong("no-tui"), help: "Print lines instead of opening the dashboard.")
    var noTUI = false

    @Flag(name: .customLong("no-follow"), help: "Show what the journal holds now and exit, without waiting for more.")
    var noFollow = false

    @Option(name: .customLong("theme"), help: "The dashboard's colour theme (see `themes/`).")
    var theme: String?

    @Option(name: .customLong("color"), help: "Colour in the dashboard: auto, always or never.")
    var color: String = "auto"

    @Flag(name: .customLong("no-mouse"), help: "Do not take mouse clicks and the wheel in the dashboard.")
    var noMouse = false

    @Option(
        name: .customLong("poll-interval"),
        help: ArgumentHelp("Seconds between looks at the journal.", visibility: .hidden))
    var pollInterval: Double = 0.2

    func validate() throws {
        guard pollInterval > 0, pollInterval <= 10 else { throw ValidationError("--poll-interval must be in (0, 10]") }
        guard ColorMode(rawValue: color) != nil else { throw ValidationError("--color must be auto, always or never") }
    }

    func run() throws {
        let journal = Self.journalURL(for: dist)
        // A FIFO or a device is refused here, before the dashboard takes the terminal.
        if FileManager.default.fileExists(atPath: journal.path) { _ = try JournalReader(url: journal) }
        if !noTUI, Dashboard.isUsable() {
            var options = DashboardOptions(
                theme: theme, color: ColorMode(rawValue: color) ?? .auto, readOnly: true,
                title: "shipdeck watch", mouse: !noMouse)
            options.watchEnd = WatchEnd()
            if let code = try WatchDashboard.run(journal: journal, follow: !noFollow, pollInterval: pollInterval, options: options) {
                throw ExitCode(code)
            }
        }
        let feed = JournalFeed(url: journal, follow: !noFollow, pollInterval: pollInterval) { message in
            FileHandle.standardError.write(Data("shipdeck: watch: \(UntrustedText.escape(message))\n".utf8))
        }
        // SIGINT, SIGTERM (and SIGHUP, SIGPIPE) stop following: what was read is flushed and watch
        // exits 128 + the signal's number.
        let stop = WatchDashboard.StopFlag()
        let signals = SignalTrap { _ in stop.set() }
        defer { signals.release() }
        let code = try runHeadless(feed, shouldStop: { stop.isSet })
        if let signal = signals.received { throw ExitCode(128 + signal) }
        throw ExitCode(code)
    }

    /// What watch says when the release's process died without finishing its journal.
    static func diedLine(pid: Int32) -> String {
        "the release DIED: its process \(pid) ended without finishing its journal (it was killed or crashed)"
    }

    /// Prints the release as a headless release would, replayed then live.
    func runHeadless(_ feed: JournalFeed, shouldStop: () -> Bool = { false }) throws -> Int32 {
        let hub = EventHub()
        let reporter = HeadlessReporter(githubActions: false)
        hub.add(reporter)
        let end: JournalFeed.End = try feed.run(into: hub, stopAtFinish: true, shouldStop: shouldStop)
        hub.flush()
        switch end {
        case .finished(let outcome):
            return ExitStatus.of(outcome)
        case .writerGone(let pid):
            let state = hub.snapshot()
            if state.info != nil {
                // The last time the journal shows; a release killed before any cell ended shows its cells' starts.
                let start = state.startedAt ?? 0
                let last = state.cells.flatMap { [$0.startedAt, $0.finishedAt] }.compactMap { $0 }.max() ?? start
                emitLine(reporter.summary(state, outcome: .interrupted, seconds: max(0, last - start), died: pid))
            }
            feed.report(Self.diedLine(pid: pid))
            return 1
        case .journalDeleted:
            feed.report("\(feed.url.path) was deleted while watch followed it: the release cannot be followed further")
            return 1
        case .stopped:
            return 1
        case .endOfJournal:
            let state = hub.snapshot()
            feed.report("the journal ends here; the release has not finished (\(state.eventCount) events read)")
            return 1
        }
    }

    /// `dist/` → `dist/shipdeck.journal.jsonl`; a path to a file is the journal itself.
    static func journalURL(for path: String) -> URL {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return url
        }
        if url.pathExtension == "jsonl" { return url }
        return url.appendingPathComponent(JournalHeader.fileName)
    }

}
