import CNCursesW
import ShipdeckModel
import Synchronization

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Whether ncurses owns the terminal (so an `exit()` from anywhere still restores it) and whether the
/// `atexit` handler is installed. The mutex guards both.
private let cursesLifecycle = Mutex<(active: Bool, atExitRegistered: Bool)>((false, false))

private func restoreTerminalAtExit() {
    let wasActive = cursesLifecycle.withLock { state in
        defer { state.active = false }
        return state.active
    }
    if wasActive { endwin() }
}

/// ncurses set up for the dashboard: locale, terminal, input modes, colours. Create, use and
/// close it on one thread.
final class CursesTerminal {
    private let terminal: OpaquePointer
    let window: UnsafeMutablePointer<WINDOW>
    let screen: CursesScreen
    /// The locale is UTF-8: Unicode glyphs and wide characters can be drawn.
    let utf8: Bool
    let tier: ColorTier
    private var closed = false
    /// Mouse keys read with an earlier KEY_MOUSE and not handed out yet.
    private var mouseKeys: [DashboardKey] = []

    private init(terminal: OpaquePointer, window: UnsafeMutablePointer<WINDOW>, attributes: [StyleRole: attr_t],
                 utf8: Bool, tier: ColorTier) {
        self.terminal = terminal
        self.window = window
        self.utf8 = utf8
        self.tier = tier
        screen = CursesScreen(window: window, attributes: attributes)
    }

    static func open(theme: Theme, color: ColorMode, environment: [String: String]) throws -> CursesTerminal {
        // ncurses decides how to encode characters from the locale; numbers stay in the C format.
        setlocale(LC_ALL, "")
        setlocale(LC_NUMERIC, "C")
        let utf8 = shipdeck_locale_is_utf8() != 0
        guard let terminal = shipdeck_newterm(nil) else {
            let term = environment["TERM"] ?? "(unset)"
            throw ShipdeckError(.usage, "cannot open the dashboard on this terminal (TERM=\(UntrustedText.escape(term)))",
                                hint: "set TERM to a terminal type terminfo knows (such as xterm-256color), or pass --no-tui")
        }
        set_term(terminal)
        let registerAtExit = cursesLifecycle.withLock { state in
            defer { state = (true, true) }
            return !state.atExitRegistered
        }
        if registerAtExit { atexit { restoreTerminalAtExit() } }
        shipdeck_install_crash_cleanup { restoreTerminalAtExit() }
        guard let window = shipdeck_stdscr() else {
            endwin()
            delscreen(terminal)
            cursesLifecycle.withLock { $0.active = false }
            shipdeck_remove_crash_cleanup()
            throw ShipdeckError(.usage, "ncurses opened the terminal but has no screen window", hint: "pass --no-tui")
        }
        cbreak()
        noecho()
        nonl()
        intrflush(window, false)
        keypad(window, true)
        curs_set(0)
        set_escdelay(25)

        var tier = ColorTier.none
        if has_colors() {
            start_color()
            use_default_colors()
        }
        tier = ColorTier.choose(mode: color, environment: environment, hasColors: has_colors(),
                                colors: Int(shipdeck_colors()), pairs: Int(shipdeck_color_pairs()))
        let attributes = Self.attributes(theme: theme, tier: tier)
        return CursesTerminal(terminal: terminal, window: window, attributes: attributes, utf8: utf8, tier: tier)
    }

    /// Colour pairs (one per role) and attributes for the chosen tier. Without colour, the
    /// attributes of the monochrome theme are used unless the theme itself has no colour.
    static func attributes(theme: Theme, tier: ColorTier) -> [StyleRole: attr_t] {
        let attributeTheme = tier == .none && !theme.isColorless ? ThemeCatalog.builtin("monochrome") : theme
        var result: [StyleRole: attr_t] = [:]
        for (index, role) in StyleRole.allCases.enumerated() {
            var attrs = shipdeck_a_normal()
            for attribute in attributeTheme.look(role).attributes {
                switch attribute {
                case .bold: attrs |= shipdeck_a_bold()
                case .dim: attrs |= shipdeck_a_dim()
                case .underline: attrs |= shipdeck_a_underline()
                case .reverse: attrs |= shipdeck_a_reverse()
                case .standout: attrs |= shipdeck_a_standout()
                case .italic: attrs |= shipdeck_a_italic()
                }
            }
            if tier != .none {
                let look = theme.look(role)
                let fg = tier == .full256 ? look.foreground.full : look.foreground.eight
                let bg = tier == .full256 ? look.background.full : look.background.eight
                let pair = Int32(index + 1)
                init_pair(Int16(pair), Int16(fg), Int16(bg))
                attrs |= shipdeck_color_pair(pair)
            }
            result[role] = attrs
        }
        return result
    }

    /// The next key, waiting at most `milliseconds` (0: do not wait); nil when none came.
    func readKey(milliseconds: Int32) -> DashboardKey? {
        if !mouseKeys.isEmpty { return mouseKeys.removeFirst() }
        wtimeout(window, milliseconds)
        var value: wint_t = 0
        let kind = wget_wch(window, &value)
        if kind == KEY_CODE_YES {
            if Int32(value) == shipdeck_key_mouse() {
                mouseKeys = Self.mouseEvents()
                return mouseKeys.isEmpty ? nil : mouseKeys.removeFirst()
            }
            switch Int32(value) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_ENTER: return .enter
            case KEY_BTAB: return .backTab
            case KEY_BACKSPACE: return .backspace
            case KEY_RESIZE: return .resize
            default: return nil
            }
        }
        guard kind == OK else { return nil }
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        default:
            guard let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// Every mouse event ncurses has queued, oldest first, as keys (presses and the wheel; releases
    /// are dropped): one KEY_MOUSE can stand for several (`shipdeck_mouse_events`).
    static func mouseEvents() -> [DashboardKey] {
        let most = 16
        var kinds = [Int32](repeating: 0, count: most), rows = kinds, columns = kinds
        let count = Int(shipdeck_mouse_events(&kinds, &rows, &columns, Int32(most)))
        return (0..<max(0, count)).reversed().compactMap { i in
            let (row, column) = (Int(rows[i]), Int(columns[i]))
            switch kinds[i] {
            case 1: return .click(row: row, column: column)
            case 4: return .wheel(up: true, row: row, column: column)
            case 5: return .wheel(up: false, row: row, column: column)
            default: return nil
            }
        }
    }

    /// Asks the terminal for clicks and the wheel (xterm's 1000/1006 modes), never for motion:
    /// Shift-drag selection stays the terminal's.
    func enableMouse(_ on: Bool) { _ = shipdeck_mouse_enable(on ? 1 : 0) }

    /// Leaves curses mode (the terminal as it was before), for a child that uses the terminal.
    func suspend() { shipdeck_suspend() }

    /// Back to curses mode with a full redraw.
    func resume() { shipdeck_resume(window) }

    /// Sends the frame: `wnoutrefresh` then one `doupdate`.
    func present() { screen.present() }

    /// Gives the terminal back as it was. Safe to call twice.
    func close() {
        guard !closed else { return }
        closed = true
        shipdeck_remove_crash_cleanup()
        cursesLifecycle.withLock { $0.active = false }
        curs_set(1)
        endwin()
        delscreen(terminal)
    }
}
