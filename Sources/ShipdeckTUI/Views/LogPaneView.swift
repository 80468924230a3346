import ShipdeckModel

/// The selected cell's log: follows the end by default, scrolls, highlights search matches, and
/// ends with the cell's error when it failed.
struct LogPaneView {
    let context: RenderContext

    /// Lines of log text a pane of `rect` shows (for paging).
    static func textHeight(_ rect: Rect, source: LogSource?) -> Int {
        let errorLine = (source?.status == .failed || source?.status == .cancelled) && source?.error != nil ? 1 : 0
        return max(1, rect.height - 1 - errorLine)
    }

    func draw(in rect: Rect, on screen: Screen) {
        let view = context.view, g = context.glyphs
        let frame = PaneFrame(rect: rect, focused: view.focus == .log, glyphs: g)
        let area = frame.content
        guard let source = LogSource(state: context.state, cell: view.selectedCell, back: view.attemptBack) else {
            frame.draw(on: screen, title: "Log")
            if area.height > 0 {
                screen.put(" no cell selected", row: area.row, column: area.column, width: area.width, style: Style(.dim))
            }
            return
        }
        let height = Self.textHeight(rect, source: source)
        let top = source.top(height: height, follow: view.follow, requested: view.logTop)
        let bottom = min(source.endLine, top + height)

        var title = "Log \(context.escape(source.cell))"
        if source.attempts > 1 {
            title += " \(g.queued) attempt \(source.attempt) of \(source.attempts)"
            if view.attemptBack > 0 { title += " (earlier)" }
        }
        var right = view.follow ? "follow" : "scroll"
        if source.endLine > 0 { right += " \(top + 1)-\(bottom) of \(source.endLine)" }
        if source.firstLine > 0 { right += " (1-\(source.firstLine) on disk)" }
        if let search = view.search, !search.isEmpty { right += " /\(context.escape(search))" }
        frame.draw(on: screen, title: title, right: right)
        guard area.height > 0 else { return }

        if source.endLine == 0 {
            let waiting = source.status == .queued ? "queued: no output yet" : "no output"
            screen.put(" (\(waiting))", row: area.row, column: area.column, width: area.width, style: Style(.dim))
        }
        let query = view.search ?? ""
        for number in top..<bottom {
            let y = area.row + number - top
            guard let text = source.displayLine(number) else { continue }
            screen.put(" " + text, row: y, column: area.column, width: area.width, style: .normal)
            guard !query.isEmpty else { continue }
            for range in LogSource.matches(in: text, query: query) {
                let offset = 1 + TextWidth.of(String(text[..<range.lowerBound]))
                guard offset < area.width else { break }
                let match = TextWidth.clip(String(text[range]), to: area.width - offset)
                screen.put(match, row: y, column: area.column + offset,
                           style: Style(.match, selected: number == view.matchLine))
            }
        }
        if let error = source.error, source.status == .failed || source.status == .cancelled {
            let role = StyleRole.of(source.status)
            screen.put(" \(g.status(source.status)) \(source.status.rawValue): \(context.escape(error))",
                       row: area.row + height, column: area.column, width: area.width, style: Style(role),
                       ellipsis: g.ellipsis)
        }
    }
}
