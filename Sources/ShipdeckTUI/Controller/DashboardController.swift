import ShipdeckModel

/// Turns keys into changes of the view and, in live mode, into `ReleaseCommands`. It runs on the
/// dashboard's owner thread, between frames, with the latest snapshot of the release.
final class DashboardController {
    let commands: ReleaseCommands?
    let glyphs: Glyphs
    let title: String
    private(set) var view = DashboardViewState()
    /// Set when the dashboard should return, with its exit code.
    private(set) var exitCode: Int32?
    /// Lines of log text the log pane shows, for paging (updated by every render).
    private(set) var logHeight = 10
    /// Lines the changelog overlay shows at once (updated by every render).
    private(set) var changelogPage = 10

    var readOnly: Bool { commands == nil }

    init(commands: ReleaseCommands?, glyphs: Glyphs = .unicode, title: String = "shipdeck") {
        self.commands = commands
        self.glyphs = glyphs
        self.title = title
    }

    // MARK: Frames

    /// Brings the view up to date with the release (selection, auto-select of failures) and
    /// draws a frame.
    func render(_ state: ReleaseState, now: Double, on screen: Screen) {
        settle(state)
        let context = RenderContext(state: state, view: view, now: now, glyphs: glyphs, readOnly: readOnly, title: title)
        if let layout = DashboardLayout.compute(width: screen.width, height: screen.height,
                                                gridRows: context.matrix.rows.count) {
            let source = LogSource(state: state, cell: view.selectedCell, back: view.attemptBack)
            logHeight = LogPaneView.textHeight(layout.log, source: source)
        }
        changelogPage = ChangelogOverlayView.pageHeight(screenHeight: screen.height)
        DashboardRenderer.draw(context, on: screen)
    }

    /// Keeps the selection valid; until the user moves, it jumps to the first failed cell.
    func settle(_ state: ReleaseState) {
        let ids = MatrixModel(cells: state.info?.cells ?? []).orderedIDs
        if let selected = view.selectedCell, !ids.contains(selected) { view.selectedCell = nil }
        if view.selectedCell == nil { view.selectedCell = ids.first }
        if !view.userMoved, let failed = ids.first(where: { state.cell($0)?.status == .failed }),
           view.selectedCell != failed {
            view.selectedCell = failed
            view.attemptBack = 0
        }
        if view.quitting, let outcome = state.outcome, exitCode == nil {
            exitCode = Self.exitCode(outcome)
        }
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
        switch key {
        case .character("q"), .character("Q"): quit(state, now: now)
        case .character("?"): view.overlay = .help
        case .escape: view.search = nil; view.matchLine = nil
        case .tab: cycleFocus(1)
        case .backTab: cycleFocus(-1)
        case .enter:
            if view.focus == .grid { view.focus = .log }
        case .up, .character("k"): move(dRow: -1, state: state)
        case .down, .character("j"): move(dRow: 1, state: state)
        case .left, .character("h"): moveColumn(-1, state: state)
        case .right, .character("l"): moveColumn(1, state: state)
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
        case .character("r"): retrySelected(state, now: now)
        case .character("R"): retryFailed(state, now: now)
        case .character("c"): cancelSelected(state, now: now)
        case .character("L"):
            if let lines = ChangelogOverlayView.load(distDirectory: state.info?.distDirectory) {
                view.overlay = .changelog(lines: lines, top: 0)
            } else {
                view.say("no \(DistPaths.changelog) in dist/ (yet): it is written with changelog: in shipdeck.yml", now: now)
            }
        default: break
        }
    }

    private func cycleFocus(_ step: Int) {
        let panes = DashboardViewState.Pane.allCases
        view.focus = panes[(view.focus.rawValue + step + panes.count) % panes.count]
    }

    private func select(_ id: String) {
        guard id != view.selectedCell else { return }
        view.selectedCell = id
        view.userMoved = true
        view.attemptBack = 0
        view.follow = true
        view.matchLine = nil
    }

    private func move(dRow: Int, state: ReleaseState) {
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
            view.signingTop = min(max(0, view.signingTop + dRow), max(0, state.signatures.count - 1))
        }
    }

    private func moveColumn(_ d: Int, state: ReleaseState) {
        guard view.focus == .grid || view.focus == .log, let id = view.selectedCell else { return }
        view.userMoved = true
        select(MatrixModel(cells: state.info?.cells ?? []).move(from: id, dRow: 0, dColumn: d))
    }

    private func scrollLog(by lines: Int, state: ReleaseState) {
        guard let source = LogSource(state: state, cell: view.selectedCell, back: view.attemptBack) else { return }
        let current = source.top(height: logHeight, follow: view.follow, requested: view.logTop)
        let last = source.top(height: logHeight, follow: true, requested: 0)
        let next = min(max(source.firstLine, current + lines), last)
        view.logTop = next
        view.follow = next >= last && lines > 0
    }

    private func top(_ state: ReleaseState, now: Double) {
        switch view.focus {
        case .grid:
            if let first = MatrixModel(cells: state.info?.cells ?? []).firstID { view.userMoved = true; select(first) }
        case .hashes: view.hashesSelection = 0
        case .signing: view.signingTop = 0
        case .log:
            view.follow = false
            let source = LogSource(state: state, cell: view.selectedCell, back: view.attemptBack)
            view.logTop = source?.firstLine ?? 0
            if let source, source.firstLine > 0 {
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
        case .signing: view.signingTop = max(0, state.signatures.count - 1)
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
                view.search = nil
                view.matchLine = nil
                return
            }
            view.search = query
            view.matchLine = nil
            view.focus = .log
            findNext(forward: true, state: state, now: now)
        case .character(let c):
            if c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }) { view.searchInput?.append(c) }
        default:
            break
        }
    }

    private func findNext(forward: Bool, state: ReleaseState, now: Double) {
        guard let query = view.search, !query.isEmpty else {
            view.say("no search yet: / starts one", now: now)
            return
        }
        guard let source = LogSource(state: state, cell: view.selectedCell, back: view.attemptBack) else { return }
        let from: Int
        if let line = view.matchLine {
            from = line + (forward ? 1 : -1)
        } else {
            let top = source.top(height: logHeight, follow: view.follow, requested: view.logTop)
            from = forward ? top : top + logHeight - 1
        }
        guard let line = source.find(query, from: from, forward: forward) else {
            view.matchLine = nil
            view.say("not found: \(UntrustedText.escape(query))", now: now)
            return
        }
        view.matchLine = line
        view.follow = false
        let top = source.top(height: logHeight, follow: false, requested: view.logTop)
        if line < top || line >= top + logHeight { view.logTop = max(source.firstLine, line - logHeight / 2) }
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
        if readOnly || state.isFinished || state.info == nil && commands == nil {
            exitCode = Self.exitCode(state.outcome)
            return
        }
        if view.quitting { return }
        view.overlay = .confirmQuit
    }

    private func confirmQuit(_ state: ReleaseState, now: Double) {
        guard let commands else { return }
        if state.isFinished {
            exitCode = Self.exitCode(state.outcome)
            return
        }
        view.quitting = true
        commands.cancelAll()
        view.say("cancelling every cell; the dashboard closes when they have stopped", now: now, seconds: 600)
    }

    /// Called when SIGINT/SIGTERM reached the dashboard and nobody else handles them.
    func interruptedBySignal(_ state: ReleaseState, now: Double) {
        if readOnly || state.isFinished {
            exitCode = readOnly ? 130 : Self.exitCode(state.outcome)
            return
        }
        view.quitting = true
        commands?.cancelAll()
    }

    /// The live release ended by SIGINT/SIGTERM: return at once.
    func releaseInterrupted() { exitCode = 130 }
}
