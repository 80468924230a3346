import Foundation
import ShipdeckModel

/// The selected cell's log: follows the end by default, scrolls both ways, wraps on `w`, marks a
/// line cut at either edge, highlights search matches, names the log file, and ends with the
/// cell's error when it failed.
struct LogPaneView {
    let context: RenderContext

    /// Lines of log text a pane of `rect` shows (for paging): the title, the path line and the
    /// error line take the rest.
    static func textHeight(_ rect: Rect, source: LogSource?) -> Int {
        let errorLine = (source?.status == .failed || source?.status == .cancelled) && source?.error != nil ? 1 : 0
        let pathLine = rect.height >= 6 ? 1 : 0
        return max(1, rect.height - 1 - errorLine - pathLine)
    }

    /// Text columns in a pane of `rect` (one column of margin on the left, for markers).
    static func textWidth(_ rect: Rect) -> Int {
        let area = PaneFrame(rect: rect, focused: false, glyphs: .ascii).content
        return max(1, area.width - 2)
    }

    /// The rows the pane shows now.
    static func rows(_ rect: Rect, source: LogSource, view: DashboardViewState) -> LogRows {
        LogRows.make(height: textHeight(rect, source: source), width: textWidth(rect), first: source.reachableFirst,
                     end: source.endLine, follow: view.follow, requestedTop: view.logTop, wrap: view.wrap,
                     column: view.logColumn, line: source.displayLine)
    }

    /// The log file's path as shown: relative to the working directory when inside it.
    static func shownPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let path = url.path
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }

    func draw(in rect: Rect, on screen: Screen) {
        let view = context.view, g = context.glyphs
        let frame = PaneFrame(rect: rect, focused: view.focus == .log, glyphs: g)
        let area = frame.content
        guard let source = context.logSource else {
            frame.draw(on: screen, title: "Log")
            if area.height > 0 {
                screen.put(" no cell selected", row: area.row, column: area.column, width: area.width, style: Style(.dim))
            }
            return
        }
        let height = Self.textHeight(rect, source: source)
        let layout = Self.rows(rect, source: source, view: view)
        let bottom = (layout.rows.last?.line ?? layout.top) + (layout.rows.isEmpty ? 0 : 1)

        var title = "Log \(context.escape(source.cell))"
        if source.attempts > 1 {
            title += " \(g.queued) attempt \(source.attempt) of \(source.attempts)"
            if view.attemptBack > 0 { title += " (earlier)" }
        }
        // Most important first: the pane frame cuts the end of what does not fit.
        var right: [String] = [view.follow ? "follow" : "scroll"]
        if let search = view.search, !search.isEmpty {
            var text = "/\(context.escape(search))"
            let progress = view.searchProgress
            if progress.running {
                text += " searching\(g.ellipsis)"
            } else if let count = progress.matchCount {
                text += count == 0 ? " no match" : " \(progress.matchIndex.map { "\($0 + 1)" } ?? "-")/\(count)"
            }
            right.append(text)
        }
        if view.wrap { right.append("wrap") } else if view.logColumn > 0 { right.append("col \(view.logColumn + 1)") }
        if source.endLine > 0 { right.append("\(layout.top + 1)-\(bottom) of \(source.endLine)") }
        if bottom < source.endLine { right.append("\(g.moreDown) \(source.endLine - bottom) more") }
        if source.firstLine > 0, layout.top >= source.firstLine { right.append("(1-\(source.firstLine) on disk)") }
        frame.draw(on: screen, title: title, right: right.joined(separator: " "))
        guard area.height > 0 else { return }

        if source.endLine == 0 {
            let waiting = source.status == .queued ? "queued: no output yet" : "no output"
            screen.put(" (\(waiting))", row: area.row, column: area.column, width: area.width, style: Style(.dim))
        }
        let query = view.search ?? ""
        for (i, row) in layout.rows.enumerated() {
            let y = area.row + i
            let margin = row.continuation ? g.wrapped : row.cutLeft ? g.cutLeft : " "
            screen.put(margin, row: y, column: area.column, style: Style(.dim))
            screen.put(row.text, row: y, column: area.column + 1, width: area.width - 1, style: .normal)
            if row.cutRight { screen.put(g.cutRight, row: y, column: area.column + area.width - 1, style: Style(.dim)) }
            guard !query.isEmpty, let full = source.displayLine(row.line) else { continue }
            for range in LogSource.matches(in: full, query: query) {
                let start = TextWidth.of(String(full[..<range.lowerBound]))
                let length = TextWidth.of(String(full[range]))
                let visibleStart = max(start, row.startColumn)
                let visibleEnd = min(start + length, row.startColumn + Self.textWidth(rect))
                guard visibleEnd > visibleStart else { continue }
                let piece = LogRows.slice(full, from: visibleStart, width: visibleEnd - visibleStart)
                screen.put(piece, row: y, column: area.column + 1 + visibleStart - row.startColumn,
                           style: Style(.match, selected: row.line == view.matchLine))
            }
        }
        var next = area.row + height
        if let error = source.error, source.status == .failed || source.status == .cancelled {
            let role = StyleRole.of(source.status)
            // `⊘ cancelled`, not `⊘ cancelled: cancelled`.
            let detail = error == source.status.rawValue ? "" : ": \(context.escape(error))"
            screen.put(" \(g.status(source.status)) \(source.status.rawValue)\(detail)",
                       row: next, column: area.column, width: area.width, style: Style(role), ellipsis: g.ellipsis)
            next += 1
        }
        if rect.height >= 6, next < area.row + area.height, let url = context.logFileURL {
            let path = context.escape(Self.shownPath(url))
            let text = " log: " + HashesPaneView.elideName(path, to: max(1, area.width - 7), ellipsis: g.ellipsis)
            screen.put(text, row: next, column: area.column, width: area.width, style: Style(.dim), ellipsis: g.ellipsis)
        }
    }
}
