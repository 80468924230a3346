/// What a piece of the dashboard is, for colouring. A theme maps each role to colours and
/// attributes; tests record the role itself.
enum StyleRole: String, CaseIterable, Sendable {
    case normal, header, badge, title
    case titleFocused = "title-focused"
    case border, label, dim, queued, running, succeeded, failed, cancelled, match, warning, footer, key, message
    case overlay

    /// One letter per role for the style part of golden files.
    var code: Character {
        switch self {
        case .normal: return "."
        case .header: return "H"
        case .badge: return "B"
        case .title: return "t"
        case .titleFocused: return "T"
        case .border: return "-"
        case .label: return "l"
        case .dim: return "d"
        case .queued: return "q"
        case .running: return "r"
        case .succeeded: return "s"
        case .failed: return "x"
        case .cancelled: return "c"
        case .match: return "m"
        case .warning: return "w"
        case .footer: return "f"
        case .key: return "k"
        case .message: return "g"
        case .overlay: return "o"
        }
    }
}

/// A role, optionally drawn as selected (reverse video on top of the role's own look).
struct Style: Hashable, Sendable {
    var role: StyleRole
    var selected = false

    init(_ role: StyleRole, selected: Bool = false) {
        self.role = role
        self.selected = selected
    }

    static let normal = Style(.normal)
}
