/// A key press, as the dashboard understands it (decoded from ncurses or made by tests).
enum DashboardKey: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, tab, backTab, escape, backspace
    /// The terminal changed size (ncurses' KEY_RESIZE).
    case resize
}
