import CNCursesW

/// The production `Screen`: draws into ncurses' standard window with the theme's attributes.
/// Only the dashboard's owner thread may use it (ncurses is not thread-safe).
final class CursesScreen: Screen {
    let window: UnsafeMutablePointer<WINDOW>
    private let attributes: [StyleRole: attr_t]
    private var buffer: [wchar_t] = []

    init(window: UnsafeMutablePointer<WINDOW>, attributes: [StyleRole: attr_t]) {
        self.window = window
        self.attributes = attributes
    }

    var width: Int { Int(shipdeck_getmaxx(window)) }
    var height: Int { Int(shipdeck_getmaxy(window)) }

    func clear() { werase(window) }

    func put(_ text: String, row: Int, column: Int, style: Style) {
        guard row >= 0, row < height, column >= 0, column < width else { return }
        let clipped = TextWidth.clip(text, to: width - column)
        buffer.removeAll(keepingCapacity: true)
        for scalar in clipped.unicodeScalars { buffer.append(wchar_t(bitPattern: scalar.value)) }
        guard !buffer.isEmpty else { return }
        let count = Int32(buffer.count)
        buffer.append(0)
        var attrs = attributes[style.role] ?? shipdeck_a_normal()
        if style.selected {
            // A role that is already reversed would lose its reverse and look unselected next to
            // its neighbours: it keeps it and is underlined and bold instead.
            if attrs & shipdeck_a_reverse() != 0 {
                attrs |= shipdeck_a_underline() | shipdeck_a_bold()
            } else {
                attrs |= shipdeck_a_reverse()
            }
        }
        _ = shipdeck_attrset(window, attrs)
        // Drawing into the bottom-right cell reports ERR although it draws; that is expected.
        _ = buffer.withUnsafeBufferPointer { shipdeck_mvaddnwstr(window, Int32(row), Int32(column), $0.baseAddress, count) }
        _ = shipdeck_attrset(window, shipdeck_a_normal())
    }

    /// Sends the frame to the terminal: one `wnoutrefresh` and one `doupdate`.
    func present() {
        wnoutrefresh(window)
        doupdate()
    }
}
