import Foundation
import ShipdeckModel

/// The keys that reach past the panes — `o` (the pager), `y` (the clipboard), `t` (the
/// timeline) — and the mouse.
extension DashboardController {
    // MARK: Pager

    func openPager(_ state: ReleaseState, now: Double) {
        guard let source = logSource(state), let url = source.fileURL(distDirectory: state.info?.distDirectory) else {
            view.say("no cell selected", now: now)
            return
        }
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            view.say("no log file yet: \(UntrustedText.escape(LogPaneView.shownPath(url)))", now: now)
            return
        }
        request(.pager(url))
    }

    // MARK: Clipboard

    /// `y`: the selected hash (Hashes pane), the current match or the last line shown (Log), the
    /// selected cell's archive hash (grid).
    func copy(_ state: ReleaseState, now: Double) {
        let item: (text: String, what: String)?
        switch view.focus {
        case .hashes:
            let artifacts = state.artifacts
            item = artifacts.isEmpty ? nil : {
                let artifact = artifacts[min(max(0, view.hashesSelection), artifacts.count - 1)]
                return (artifact.sha256, "the sha256 of \(UntrustedText.escape(artifact.name))")
            }()
        case .log:
            guard let source = logSource(state) else { item = nil; break }
            let line = view.matchLine ?? max(source.reachableFirst, min(source.endLine,
                source.top(height: logHeight, follow: view.follow, requested: view.logTop) + logHeight) - 1)
            // Escaped, as shown: a pasted control sequence would act in the shell it is pasted into.
            item = source.rawLine(line).map { (UntrustedText.escape($0), "log line \(line + 1)") }
        case .grid:
            let cell = view.selectedCell.flatMap(state.cell)
            item = cell?.artifacts.first.map { ($0.sha256, "the sha256 of \(UntrustedText.escape($0.name))") }
        case .signing:
            let signatures = state.signatures
            item = signatures.isEmpty ? nil : {
                let signature = signatures[min(max(0, view.signingSelection), signatures.count - 1)]
                return (signature.signature ?? signature.file, "the signature file name of \(UntrustedText.escape(signature.file))")
            }()
        case .publish:
            item = selectedPublishUnit(state).map { unit in
                // The server's words of a failure, else the file's sha256 (escaped: server text).
                if unit.result == .failed, let detail = unit.detail {
                    return (UntrustedText.escape(detail), "the failure of \(UntrustedText.escape(unit.info.title))")
                }
                return (unit.info.sha256 ?? unit.info.title, "\(unit.info.sha256 == nil ? "the title" : "the sha256") of \(UntrustedText.escape(unit.info.title))")
            }
        }
        guard let item else {
            view.say("nothing to copy here", now: now)
            return
        }
        switch clipboard {
        case .osc52:
            request(.copy(item.text, what: item.what))
        case .unsupported(let reason):
            view.say("cannot copy: this terminal does not take OSC 52 (\(reason))", now: now, seconds: 6)
        }
    }

    // MARK: Timeline

    /// Keys while the timeline is shown; false lets the usual handling run (q, ?).
    func timelineKey(_ key: DashboardKey, state: ReleaseState) -> Bool {
        switch key {
        case .character("t"), .escape: view.timeline = false
        case .up, .character("k"): view.timelineTop = max(0, view.timelineTop - 1)
        case .down, .character("j"): view.timelineTop += 1
        case .pageUp: view.timelineTop = max(0, view.timelineTop - 10)
        case .pageDown: view.timelineTop += 10
        case .home, .character("g"): view.timelineTop = 0
        case .end, .character("G"): view.timelineTop = Int.max / 2
        case .character("q"), .character("Q"), .character("?"): return false
        default: return true
        }
        let rows = state.cells.count + Set(state.stepRuns.map(\.step)).count
        view.timelineTop = min(view.timelineTop, max(0, rows - 1))
        return true
    }

    // MARK: Mouse

    /// A click focuses the pane under it; on a cell, a hash or a signature it selects that too.
    func click(row: Int, column: Int, state: ReleaseState, now: Double) {
        guard view.overlay == nil, view.searchInput == nil, !view.timeline, let layout else { return }
        guard let pane = layout.pane(atRow: row, column: column, zoomed: view.zoomed ? view.focus : nil) else { return }
        view.focus = pane
        let rect = DashboardRenderer.rect(of: pane, layout: layout, view: view) ?? layout.rect(for: pane)
        let content = PaneFrame(rect: rect, focused: true, glyphs: glyphs).content
        switch pane {
        case .grid:
            let context = RenderContext(state: state, view: view, now: now, glyphs: glyphs, readOnly: readOnly, title: title)
            if let id = MatrixGridView(context: context).geometry(in: rect).cell(atRow: row, column: column, matrix: context.matrix) {
                view.userMoved = true
                select(id)
            }
        case .hashes:
            let total = state.artifacts.count
            guard total > 0, row >= content.row else { return }
            let rows = HashesPaneView.listRows(content, focused: true)
            let first = MatrixGridView.firstVisible(selected: min(view.hashesSelection, total - 1), visible: max(1, rows), total: total)
            let index = first + row - content.row
            if index < total, row - content.row < rows { view.hashesSelection = index }
        case .signing:
            let total = state.signatures.count
            guard total > 0, row >= content.row else { return }
            let first = MatrixGridView.firstVisible(selected: min(view.signingSelection, total - 1), visible: max(1, content.height),
                                                    total: total)
            let index = first + row - content.row
            if index < total { view.signingSelection = index }
        case .publish:
            let total = state.publish.units.count
            guard total > 0, row >= content.row else { return }
            let first = MatrixGridView.firstVisible(selected: min(view.publishSelection, total - 1), visible: max(1, content.height),
                                                    total: total)
            let index = first + row - content.row
            if index < total {
                view.publishSelection = index
                view.publishUserMoved = true
            }
        case .log:
            break
        }
    }

    /// The wheel scrolls the pane under the pointer (three lines, or one cell or row), without
    /// moving the focus.
    func wheel(up: Bool, row: Int, column: Int, state: ReleaseState) {
        guard view.overlay == nil, let layout else { return }
        let d = up ? -1 : 1
        if view.timeline {
            _ = timelineKey(up ? .up : .down, state: state)
            return
        }
        guard let pane = layout.pane(atRow: row, column: column, zoomed: view.zoomed ? view.focus : nil) else { return }
        switch pane {
        case .log: scrollLog(by: 3 * d, state: state)
        case .grid:
            view.userMoved = true
            if let id = view.selectedCell {
                select(MatrixModel(cells: state.info?.cells ?? []).move(from: id, dRow: d, dColumn: 0))
            }
        case .hashes:
            view.hashesSelection = min(max(0, view.hashesSelection + d), max(0, state.artifacts.count - 1))
        case .signing:
            view.signingSelection = min(max(0, view.signingSelection + d), max(0, state.signatures.count - 1))
        case .publish: movePublish(by: d, state: state)
        }
    }
}
