/// Boxes drawn over the layout: the `?` key list and the quit question.
struct OverlayView {
    let context: RenderContext

    /// Every key, as the help overlay lists it.
    static func keyLines(readOnly: Bool, glyphs: Glyphs) -> [(String, String)] {
        // Short enough for the box at 60 columns: nothing in the list is cut.
        return [
            ("\(glyphs.arrows) h j k l", "move; in the log scroll, h l sideways"),
            ("Tab  Shift-Tab", "next / previous pane (or click one)"),
            ("Enter", "open the selected cell's log"),
            ("r  R", readOnly ? "retry: not in watch mode" : "retry the selected / every failed one"),
            ("c", readOnly ? "cancel: not in watch mode" : "cancel the selected running cell"),
            ("a  f", "earlier attempts / follow the log's end"),
            ("/  n  N", "search the whole log; next / previous"),
            ("g G PgUp PgDn", "top / bottom / a page"),
            ("w  z", "wrap long lines / zoom the pane (Esc)"),
            ("o", "the whole log in $PAGER (escaped)"),
            ("y", "copy the hash or log line (OSC 52)"),
            ("t", "timeline: where the time went"),
            ("L", "release notes (dist/CHANGELOG.md)"),
            ("mouse", "click selects, wheel scrolls; --no-mouse"),
            ("q  ?", readOnly ? "quit / this help" : "quit (asks while cells run) / help"),
        ]
    }

    /// What each status glyph means, on one line: spaced by two where `width` allows, else by one.
    static func legend(glyphs g: Glyphs, width: Int) -> String {
        let words = ["\(g.succeeded) ok", "\(g.failed) failed", "\(g.running) running", "\(g.queued) queued",
                     "\(g.cancelled) cancelled", "\(g.skipped) skipped"]
        let wide = words.joined(separator: "  ")
        return TextWidth.of(wide) <= width ? wide : words.joined(separator: " ")
    }

    func draw(on screen: Screen) {
        switch context.view.overlay {
        case .help?:
            let g = context.glyphs
            var lines = Self.keyLines(readOnly: context.readOnly, glyphs: g).map { key, text in
                TextWidth.pad(key, to: 15) + text
            }
            lines.append(Self.legend(glyphs: g, width: screen.width - 6))
            box(title: "Keys", lines: lines, on: screen)
        case .confirmQuit?:
            if context.state.isFinished {
                box(title: "Quit", lines: ["Publishing is under way.", "Stop it (a draft stays) and quit? (y/n)"], on: screen)
            } else {
                box(title: "Quit", lines: ["Cells are still running.", "Cancel them and quit? (y/n)"], on: screen)
            }
        case .changelog(let lines, let top)?:
            ChangelogOverlayView(context: context, lines: lines, top: top).draw(on: screen)
        case nil:
            break
        }
    }

    func box(title: String, lines: [String], on screen: Screen) {
        let g = context.glyphs
        let inner = min(screen.width - 4, max(TextWidth.of(title) + 4, lines.map(TextWidth.of).max() ?? 0) + 2)
        let height = min(screen.height - 2, lines.count + 2)
        guard inner > 4, height >= 3 else { return }
        let left = (screen.width - inner - 2) / 2, top = (screen.height - height) / 2
        let style = Style(.overlay)
        let h = g.horizontal, v = g.vertical
        let titleText = " \(title) "
        let topLine = h + titleText + String(repeating: h, count: max(0, inner - 1 - TextWidth.of(titleText)))
        screen.put(v == "|" ? "+" : "┌", row: top, column: left, style: style)
        screen.put(topLine, row: top, column: left + 1, style: style)
        screen.put(v == "|" ? "+" : "┐", row: top, column: left + inner + 1, style: style)
        for (i, line) in lines.prefix(height - 2).enumerated() {
            screen.put(v, row: top + 1 + i, column: left, style: style)
            screen.put(" " + line, row: top + 1 + i, column: left + 1, width: inner, style: style, ellipsis: g.ellipsis)
            screen.put(v, row: top + 1 + i, column: left + inner + 1, style: style)
        }
        let bottom = top + height - 1
        screen.put(v == "|" ? "+" : "└", row: bottom, column: left, style: style)
        screen.put(String(repeating: h, count: inner), row: bottom, column: left + 1, style: style)
        screen.put(v == "|" ? "+" : "┘", row: bottom, column: left + inner + 1, style: style)
    }
}
