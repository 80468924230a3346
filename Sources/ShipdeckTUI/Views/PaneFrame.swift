/// Draws a pane's title bar (and its left border when the pane is not at the screen's left
/// edge) and says where the content goes.
struct PaneFrame {
    var rect: Rect
    var focused: Bool
    var glyphs: Glyphs

    /// The rectangle left for content.
    var content: Rect {
        let border = rect.column > 0 ? 1 : 0
        return Rect(row: rect.row + 1, column: rect.column + border, width: max(0, rect.width - border),
                    height: max(0, rect.height - 1))
    }

    /// Draws `─ title ──── right ─` over the first row and the border down the left side.
    func draw(on screen: Screen, title: String, right: String = "") {
        guard rect.height > 0, rect.width > 0 else { return }
        let h = glyphs.horizontal
        screen.put(String(repeating: h, count: rect.width), row: rect.row, column: rect.column, style: Style(.border))
        let titleText = " \(title) "
        let rightText = right.isEmpty ? "" : " \(right) "
        // The title wins over the right-hand text, which is cut (or dropped) first.
        let titleRoom = max(0, rect.width - 2)
        let titleWidth = min(TextWidth.of(titleText), titleRoom)
        let rightRoom = rect.width - 3 - titleWidth
        let rightWidth = rightRoom >= 6 ? min(TextWidth.of(rightText), rightRoom) : 0
        let shownTitle = TextWidth.clip(titleText, to: titleRoom, ellipsis: glyphs.ellipsis)
        screen.put(shownTitle, row: rect.row, column: rect.column + 1, style: Style(focused ? .titleFocused : .title))
        if rightWidth > 0 {
            let shownRight = TextWidth.clip(rightText, to: rightWidth, ellipsis: glyphs.ellipsis)
            screen.put(shownRight, row: rect.row, column: rect.right - 1 - TextWidth.of(shownRight), style: Style(.title))
        }
        if rect.column > 0 {
            for row in (rect.row + 1)..<rect.bottom {
                screen.put(glyphs.vertical, row: row, column: rect.column, style: Style(.border))
            }
        }
    }

    /// `↑ 3  ↓ 6 more` for a list showing `visible` of `total` items from `first`; "" when all show.
    static func more(first: Int, visible: Int, total: Int, glyphs: Glyphs) -> String {
        let above = max(0, first), below = max(0, total - first - visible)
        var parts: [String] = []
        if above > 0 { parts.append("\(glyphs.moreUp) \(above)") }
        if below > 0 { parts.append("\(glyphs.moreDown) \(below) more") }
        return parts.joined(separator: "  ")
    }
}
