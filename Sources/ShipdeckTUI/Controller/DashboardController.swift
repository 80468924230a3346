import Foundation
import ShipdeckModel

/// Turns keys into changes of the view and, in live mode, into `ReleaseCommands`. It runs on the
/// dashboard's owner thread, between frames, with the latest snapshot of the release.
final class DashboardController {
    let commands: ReleaseCommands?
    let glyphs: Glyphs
    let title: String
    var view = DashboardViewState()
    /// Set when the dashboard should return, with its exit code.
    private(set) var exitCode: Int32?
    /// Lines of log text the log pane shows, for paging (updated by every render).
    private(set) var logHeight = 10
    /// Lines the changelog overlay shows at once (updated by every render).
    private(set) var changelogPage = 10
    /// The last frame's layout and size, to map clicks to panes and cells.
    private(set) var layout: DashboardLayout?
    /// Whether `y` can reach the clipboard here.
    let clipboard: Clipboard.Support

    /// Something only the terminal can do (leave curses for the pager, write OSC 52): the
    /// dashboard's loop takes it after the key and reports back with `say`.
    enum TerminalAction: Equatable {
        case pager(URL)
        case copy(String, what: String)
    }

    private(set) var pendingAction: TerminalAction?

    /// The open log file (lines before memory's tail are read from it) and the running search.
    var logFile: LogFile?
    var logSearch: LogSearch?
    /// Jump to the first match once the whole-file search is done.
    var jumpWhenSearched = false
    /// The release as of the last key or frame.
    var lastState: ReleaseState?

    var readOnly: Bool { commands == nil }
    /// `watch`: the journal ended before the release (its process died): shown, and quitting returns 1.
    var watchEnd: WatchEnd.Reason?
    /// `release --publish`: a publish follows a successful release, and the dashboard stays until it ends.
    let publishes: Bool

    init(commands: ReleaseCommands?, glyphs: Glyphs = .unicode, title: String = "shipdeck",
         clipboard: Clipboard.Support = .unsupported(reason: "no terminal"), publishes: Bool = false) {
        self.commands = commands
        self.publishes = publishes
        self.glyphs = glyphs
        self.title = title
        self.clipboard = clipboard
    }

    /// The action the last keys asked for, once.
    func takeAction() -> TerminalAction? {
        defer { pendingAction = nil }
        return pendingAction
    }

    func request(_ action: TerminalAction) { pendingAction = action }

    /// True while something will change without an event (a search reading the file).
    var isBusy: Bool { view.searchProgress.running }

    // MARK: Frames

    /// Brings the view up to date with the release (selection, auto-select of failures) and
    /// draws a frame.
    func render(_ state: ReleaseState, now: Double, on screen: Screen) {
        settle(state)
        pollSearch(state, now: now)
        var context = RenderContext(state: state, view: view, now: now, glyphs: glyphs, readOnly: readOnly, title: title)
        context.watchEnd = watchEnd
        layout = DashboardLayout.compute(width: screen.width, height: screen.height, gridRows: context.matrix.rows.count,
                                         publishUnits: state.publish.units.count)
        if let layout {
            let logRect = DashboardRenderer.rect(of: .log, layout: layout, view: view) ?? layout.log
            logHeight = LogPaneView.textHeight(logRect, source: context.logSource)
            if var source = context.logSource {
                attachDisk(&source, url: context.logFileURL)
                context.logSource = source
            }
        }
        changelogPage = ChangelogOverlayView.pageHeight(screenHeight: screen.height)
        DashboardRenderer.draw(context, on: screen)
    }

    /// The log source of the selection, able to show lines before memory's tail from the file.
    func logSource(_ state: ReleaseState) -> LogSource? {
        guard var source = LogSource(state: state, cell: view.selectedCell, back: view.attemptBack) else { return nil }
        attachDisk(&source, url: source.fileURL(distDirectory: state.info?.distDirectory))
        return source
    }

    /// Marks whether the file can be read and, when the pane starts before memory's tail, reads
    /// the lines it needs from the file.
    private func attachDisk(_ source: inout LogSource, url: URL?) {
        guard source.firstLine > 0, let url, FileManager.default.isReadableFile(atPath: url.path) else { return }
        source.fileReadable = true
        if logFile?.url != url { logFile = LogFile(url: url) }
        let top = source.top(height: logHeight, follow: view.follow, requested: view.logTop)
        guard top < source.firstLine, let logFile else { return }
        let end = min(source.firstLine, top + logHeight)
        source.disk = LogSource.DiskWindow(start: top, lines: logFile.lines(top..<end))
    }

    /// Keeps the selection valid; until the user moves, it jumps to the first failed cell.
    func settle(_ state: ReleaseState) {
        lastState = state
        let ids = MatrixModel(cells: state.info?.cells ?? []).orderedIDs
        if let selected = view.selectedCell, !ids.contains(selected) { view.selectedCell = nil }
        if view.selectedCell == nil { view.selectedCell = ids.first }
        if !view.userMoved, let failed = ids.first(where: { state.cell($0)?.status == .failed }),
           view.selectedCell != failed {
            view.selectedCell = failed
            view.attemptBack = 0
        }
        settlePublish(state)
        if view.quitting, state.outcome != nil, !isPublishing(state), exitCode == nil {
            exitCode = exitCode(for: state)
        }
    }

    /// The release's code, and 1 when it succeeded but its publish did not.
    func exitCode(for state: ReleaseState) -> Int32 {
        let code = Self.exitCode(state.outcome)
        guard code == 0, publishes, state.outcome == .succeeded else { return code }
        return state.publish.outcome == .succeeded ? 0 : 1
    }

    /// What quitting `watch` returns: 0 only for a release that succeeded; 1 when it failed, was
    /// cancelled, died or has not finished; 130 when it was interrupted.
    func watchExitCode(_ state: ReleaseState) -> Int32 {
        guard let outcome = state.outcome else { return 1 }
        return Self.exitCode(outcome)
    }

    /// 0 succeeded, 1 failed or cancelled, 130 interrupted.
    static func exitCode(_ outcome: ReleaseOutcome?) -> Int32 {
        switch outcome {
        case .succeeded?, nil: return 0
        case .failed?, .cancelled?: return 1
        case .interrupted?: return 130
        }
    }

    // MARK: Keys

    func handle(_ key: DashboardKey, state: ReleaseState, now: Double) {
        settle(state)
        if key == .resize { return }
        if case .click(let row, let column) = key { return click(row: row, column: column, state: state, now: now) }
        if case .wheel(let up, let row, let column) = key { return wheel(up: up, row: row, column: column, state: state) }
        if view.searchInput != nil { return typeSearch(key, state: state, now: now) }
        switch view.overlay {
        case .help?:
            view.overlay = nil
            return
        case .confirmQuit?:
            if key == .character("y") || key == .character("Y") {
                view.overlay = nil
                confirmQuit(state, now: now)
            } else {
                view.overlay = nil
                view.say("still running; q asks again", now: now)
            }
            return
        case .changelog(let lines, let top)?:
            view.overlay = ChangelogOverlayView.scrolled(by: key, lines: lines.count, top: top, page: changelogPage)
                .map { .changelog(lines: lines, top: $0) }
            return
        case nil:
            break
        }
        view.message = nil
        if view.timeline, timelineKey(key, state: state) { return }
        switch key {
        case .character("q"), .character("Q"): quit(state, now: now)
        case .character("?"): view.overlay = .help
        case .escape:
            if view.zoomed {
                view.zoomed = false
            } else {
                clearSearch()
            }
        case .tab: cycleFocus(1)
        case .backTab: cycleFocus(-1)
        case .enter:
            if view.focus == .grid { view.focus = .log }
        case .up, .character("k"): move(dRow: -1, state: state)
        case .down, .character("j"): move(dRow: 1, state: state)
        case .left, .character("h"): moveColumn(-1, state: state, now: now)
        case .right, .character("l"): moveColumn(1, state: state, now: now)
        case .pageUp: scrollLog(by: -max(1, logHeight - 1), state: state)
        case .pageDown: scrollLog(by: max(1, logHeight - 1), state: state)
        case .home, .character("g"): top(state, now: now)
        case .end, .character("G"): bottom(state)
        case .character("f"):
            if view.follow {
                let source = LogSource(state: state, cell: view.selectedCell, back: view.attemptBack)
                view.logTop = source?.top(height: logHeight, follow: true, requested: 0) ?? 0
                view.follow = false
                view.say("follow off", now: now, seconds: 2)
            } else {
                view.follow = true
                view.say("follow on", now: now, seconds: 2)
            }
        case .character("a"): cycleAttempt(state, now: now)
        case .character("/"): view.searchInput = ""
        case .character("n"): findNext(forward: true, state: state, now: now)
        case .character("N"): findNext(forward: false, state: state, now: now)
        case .character("r"):
            if view.focus == .publish { retryPublishSelected(state, now: now) } else { retrySelected(state, now: now) }
        case .character("R"): retryFailed(state, now: now)
        case .character("c"): cancelSelected(state, now: now)
        case .character("L"):
            if let lines = ChangelogOverlayView.load(distDirectory: state.info?.distDirectory) {
                view.overlay = .changelog(lines: lines, top: 0)
            } else {
                view.say("no \(DistPaths.changelog) in dist/ (yet): it is written with changelog: in shipdeck.yml", now: now)
            }
        case .character("w"):
            view.wrap.toggle()
            view.logColumn = 0
            view.say(view.wrap ? "wrap on: long lines continue on the next rows" : "wrap off: \(glyphs.cutRight) marks a cut line, h/l scroll sideways",
                     now: now, seconds: 3)
        case .character("z"):
            view.zoomed.toggle()
            view.timeline = false
        case .character("t"):
            view.timeline = true
            view.zoomed = false
        case .character("o"): openPager(state, now: now)
        case .character("y"): copy(state, now: now)
        default: break
        }
    }

    private func cycleFocus(_ step: Int) {
        let panes = DashboardViewState.Pane.allCases.filter { layout?.shows($0) ?? ($0 != .publish) }
        let current = panes.firstIndex(of: view.focus) ?? 0
        view.focus = panes[(current + step + panes.count) % panes.count]
    }

    func select(_ id: String) {
        guard id != view.selectedCell else { return }
        view.selectedCell = id
        view.userMoved = true
        view.attemptBack = 0
        view.follow = true
        view.matchLine = nil
        restartSearch()
    }

    func move(dRow: Int, state: ReleaseState) {
        switch view.focus {
        case .grid:
            view.userMoved = true
            if let id = view.selectedCell {
                select(MatrixModel(cells: state.info?.cells ?? []).move(from: id, dRow: dRow, dColumn: 0))
            }
        case .log: scrollLog(by: dRow, state: state)
        case .hashes:
            view.hashesSelection = min(max(0, view.hashesSelection + dRow), max(0, state.artifacts.count - 1))
        case .signing:
            view.signingSelection = min(max(0, view.signingSelection + dRow), max(0, state.signatures.count - 1))
        case .publish: movePublish(by: dRow, state: state)
        }
    }

    /// Left/right: in the grid, the next cell; in the log, scroll sideways (8 columns).
    private func moveColumn(_ d: Int, state: ReleaseState, now: Double) {
        if view.focus == .log {
            if view.wrap {
                view.say("wrap is on (w turns it off to scroll sideways)", now: now, seconds: 2)
            } else {
                view.logColumn = max(0, view.logColumn + d * 8)
            }
            return
        }
        guard view.focus == .grid, let id = view.selectedCell else { return }
        view.userMoved = true
        select(MatrixModel(cells: state.info?.cells ?? []).move(from: id, dRow: 0, dColumn: d))
    }

    func scrollLog(by lines: Int, state: ReleaseState) {
        guard let source = logSource(state) else { return }
        let current = source.top(height: logHeight, follow: view.follow, requested: view.logTop)
        let last = source.top(height: logHeight, follow: true, requested: 0)
        let next = min(max(source.reachableFirst, current + lines), last)
        view.logTop = next
        view.follow = next >= last && lines > 0
    }

    private func top(_ state: ReleaseState, now: Double) {
        switch view.focus {
        case .grid:
            if let first = MatrixModel(cells: state.info?.cells ?? []).firstID { view.userMoved = true; select(first) }
        case .hashes: view.hashesSelection = 0
        case .signing: view.signingSelection = 0
        case .publish: movePublish(by: -state.publish.units.count, state: state)
        case .log:
            view.follow = false
            let source = logSource(state)
            view.logTop = source?.reachableFirst ?? 0
            if let source, source.reachableFirst > 0 {
                let path = source.fileURL(distDirectory: state.info?.distDirectory)?.path ?? "the dist folder"
                view.say("the first \(source.firstLine) lines are only on disk: \(UntrustedText.escape(path))",
                         now: now, seconds: 8)
            }
        }
    }

    private func bottom(_ state: ReleaseState) {
        switch view.focus {
        case .grid:
            if let last = MatrixModel(cells: state.info?.cells ?? []).orderedIDs.last { view.userMoved = true; select(last) }
        case .hashes: view.hashesSelection = max(0, state.artifacts.count - 1)
        case .signing: view.signingSelection = max(0, state.signatures.count - 1)
        case .publish: movePublish(by: state.publish.units.count, state: state)
        case .log: view.follow = true
        }
    }

    private func cycleAttempt(_ state: ReleaseState, now: Double) {
        guard let id = view.selectedCell, let cell = state.cell(id) else { return }
        let earlier = cell.previousAttempts.count
        guard earlier > 0 else {
            view.say("\(UntrustedText.escape(id)) has no earlier attempts", now: now)
            return
        }
        view.attemptBack = (view.attemptBack + 1) % (earlier + 1)
        view.follow = true
        view.matchLine = nil
        restartSearch()
        view.focus = .log
        let shown = view.attemptBack == 0 ? cell.attempt : cell.previousAttempts[earlier - view.attemptBack].attempt
        view.say("showing attempt \(shown) of \(max(cell.attempt, earlier + 1)); a for the next", now: now, seconds: 3)
    }

    // MARK: Search

    private func typeSearch(_ key: DashboardKey, state: ReleaseState, now: Double) {
        switch key {
        case .escape:
            view.searchInput = nil
        case .backspace:
            if view.searchInput?.isEmpty == true { view.searchInput = nil } else { view.searchInput?.removeLast() }
        case .enter:
            let query = view.searchInput ?? ""
            view.searchInput = nil
            guard !query.isEmpty else {
                clearSearch()
                return
            }
            startSearch(query, state: state, now: now)
        case .character(let c):
            if c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }) { view.searchInput?.append(c) }
        default:
            break
        }
    }

    // MARK: Commands

    private func readOnlyRefusal(_ what: String, now: Double) -> Bool {
        guard readOnly else { return false }
        view.say("read-only: \(what) is not available in watch mode; run `shipdeck release` to change a release", now: now)
        return true
    }

    private func retrySelected(_ state: ReleaseState, now: Double) {
        guard !readOnlyRefusal("retry (r)", now: now), let commands else { return }
        guard let id = view.selectedCell, let cell = state.cell(id) else { return }
        let name = UntrustedText.escape(id)
        guard cell.status == .failed || cell.status == .cancelled else {
            view.say("\(name) is \(cell.status.rawValue): only a failed or cancelled cell can be retried", now: now)
            return
        }
        if commands.retry(cell: id) {
            view.attemptBack = 0
            view.follow = true
            view.matchLine = nil
            view.say("retrying \(name) (attempt \(cell.attempt + 1))", now: now)
        } else {
            view.say("\(name) cannot be retried now (the release is stopping)", now: now)
        }
    }

    private func retryFailed(_ state: ReleaseState, now: Double) {
        guard !readOnlyRefusal("retry (R)", now: now), let commands else { return }
        let count = commands.retryFailed()
        view.say(count == 0 ? "no failed cells to retry" : "retrying \(count) failed cell\(count == 1 ? "" : "s")", now: now)
    }

    private func cancelSelected(_ state: ReleaseState, now: Double) {
        guard !readOnlyRefusal("cancel (c)", now: now), let commands else { return }
        guard let id = view.selectedCell, let cell = state.cell(id) else { return }
        let name = UntrustedText.escape(id)
        guard cell.status == .running || cell.status == .queued else {
            view.say("\(name) is \(cell.status.rawValue): only a queued or running cell can be cancelled", now: now)
            return
        }
        view.say(commands.cancel(cell: id) ? "cancelling \(name)" : "\(name) is no longer running", now: now)
    }

    private func quit(_ state: ReleaseState, now: Double) {
        if readOnly || (state.isFinished && !isPublishing(state)) || state.info == nil && commands == nil {
            exitCode = readOnly ? watchExitCode(state) : exitCode(for: state)
            return
        }
        if view.quitting { return }
        view.overlay = .confirmQuit
    }

    private func confirmQuit(_ state: ReleaseState, now: Double) {
        guard let commands else { return }
        if state.isFinished {
            guard isPublishing(state) else {
                exitCode = exitCode(for: state)
                return
            }
            view.quitting = true
            commands.cancelPublish()
            view.say("stopping the publish (the release stays a draft); the dashboard closes when it has", now: now, seconds: 600)
            return
        }
        view.quitting = true
        commands.cancelAll()
        view.say("cancelling every cell; the dashboard closes when they have stopped", now: now, seconds: 600)
    }

    /// Called when SIGINT/SIGTERM (`signal`) reached the dashboard and nobody else handles them:
    /// a watcher returns 128 + its number.
    func interruptedBySignal(_ state: ReleaseState, now: Double, signal: Int32 = SIGINT) {
        if readOnly || (state.isFinished && !isPublishing(state)) {
            exitCode = readOnly ? 128 + signal : exitCode(for: state)
            return
        }
        view.quitting = true
        if state.isFinished { commands?.cancelPublish() } else { commands?.cancelAll() }
    }

    /// The live release ended by SIGINT/SIGTERM: return at once.
    func releaseInterrupted() { exitCode = 130 }
}
