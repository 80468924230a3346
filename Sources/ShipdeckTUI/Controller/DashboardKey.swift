/// A key press, as the dashboard understands it (decoded from ncurses or made by tests).
enum DashboardKey: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, tab, backTab, escape, backspace
    /// The terminal changed size (ncurses' KEY_RESIZE).
    case resize
    /// The first mouse button pressed at a screen position (0-based).
    case click(row: Int, column: Int)
    /// The wheel turned at a screen position: `up` towards the start.
    case wheel(up: Bool, row: Int, column: Int)
}
