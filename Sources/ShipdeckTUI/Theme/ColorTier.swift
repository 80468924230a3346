/// How much colour the dashboard uses on this terminal.
enum ColorTier: String, Sendable {
    case none, eight, full256

    /// Decides from `--color`, `NO_COLOR` and what the terminal reports after `start_color`.
    static func choose(mode: ColorMode, environment: [String: String], hasColors: Bool, colors: Int,
                       pairs: Int) -> ColorTier {
        switch mode {
        case .never:
            return .none
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        case .always:
            break
        }
        // One pair per role is needed.
        guard hasColors, pairs > StyleRole.allCases.count else { return .none }
        if colors >= 256 { return .full256 }
        if colors >= 8 { return .eight }
        return .none
    }
}
