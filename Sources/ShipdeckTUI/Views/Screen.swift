/// Where the dashboard draws. Production draws to ncurses (`CursesScreen`); tests draw to an
/// in-memory grid (`GridScreen`) and compare it with golden text.
///
/// Text handed to a screen is already safe (escaped by `UntrustedText`) and free of tabs.
protocol Screen: AnyObject {
    var width: Int { get }
    var height: Int { get }
    /// Blanks the whole screen.
    func clear()
    /// Draws `text` from `column` on `row`; whatever passes the right edge is cut.
    func put(_ text: String, row: Int, column: Int, style: Style)
}

extension Screen {
    /// Draws `text` in exactly `width` columns (cut or padded with spaces).
    func put(_ text: String, row: Int, column: Int, width: Int, style: Style, ellipsis: String? = nil) {
        guard width > 0, row >= 0, row < height else { return }
        put(TextWidth.pad(text, to: width, ellipsis: ellipsis), row: row, column: column, style: style)
    }

    /// Paints `width` blank columns.
    func fill(row: Int, column: Int, width: Int, style: Style) {
        guard width > 0 else { return }
        put(String(repeating: " ", count: width), row: row, column: column, style: style)
    }
}

/// A rectangle of the screen.
struct Rect: Equatable, Sendable {
    var row: Int
    var column: Int
    var width: Int
    var height: Int

    var bottom: Int { row + height }
    var right: Int { column + width }
}
