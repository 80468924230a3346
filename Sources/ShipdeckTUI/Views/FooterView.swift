/// The bottom line: the search being typed, a message, or the key hints.
struct FooterView {
    let context: RenderContext

    static func hints(readOnly: Bool) -> [(String, String)] {
        var hints: [(String, String)] = [("hjkl", "move"), ("Tab", "pane"), ("Enter", "log")]
        if !readOnly { hints += [("r", "retry"), ("R", "retry failed"), ("c", "cancel")] }
        hints += [("/", "search"), ("n/N", "next"), ("w", "wrap"), ("z", "zoom"), ("o", "pager"), ("t", "timeline"),
                  ("y", "copy"), ("f", "follow"), ("a", "attempts"), ("PgUp/PgDn", "page")]
        return hints
    }

    func draw(in rect: Rect, on screen: Screen) {
        let view = context.view
        if let input = view.searchInput {
            screen.put("/" + context.escape(input) + "_", row: rect.row, column: rect.column, width: rect.width,
                       style: Style(.message))
            return
        }
        if let message = view.message, context.now < view.messageUntil {
            screen.put(" " + message, row: rect.row, column: rect.column, width: rect.width, style: Style(.message),
                       ellipsis: context.glyphs.ellipsis)
            return
        }
        screen.fill(row: rect.row, column: rect.column, width: rect.width, style: Style(.footer))
        var column = rect.column
        if context.readOnly {
            let badge = " READ-ONLY "
            screen.put(badge, row: rect.row, column: column, style: Style(.badge))
            column += TextWidth.of(badge)
        }
        // Help and quit always show, at the right end; the other hints fill what is left.
        let fixed: [(String, String)] = [("?", "help"), ("q", "quit")]
        let fixedWidth = fixed.reduce(0) { $0 + TextWidth.of(" \($1.0)") + TextWidth.of(" \($1.1) ") }
        var end = rect.right - fixedWidth
        for (key, action) in Self.hints(readOnly: context.readOnly) {
            let keyText = " \(key)", actionText = " \(action) "
            guard column + TextWidth.of(keyText) + TextWidth.of(actionText) <= end else { break }
            screen.put(keyText, row: rect.row, column: column, style: Style(.key))
            column += TextWidth.of(keyText)
            screen.put(actionText, row: rect.row, column: column, style: Style(.footer))
            column += TextWidth.of(actionText)
        }
        column = max(column, end)
        end = rect.right
        for (key, action) in fixed {
            let keyText = " \(key)", actionText = " \(action) "
            guard column + TextWidth.of(keyText) + TextWidth.of(actionText) <= end else { break }
            screen.put(keyText, row: rect.row, column: column, style: Style(.key))
            column += TextWidth.of(keyText)
            screen.put(actionText, row: rect.row, column: column, style: Style(.footer))
            column += TextWidth.of(actionText)
        }
    }
}
