/// When the dashboard uses colour (`--color`).
public enum ColorMode: String, Sendable, CaseIterable {
    /// Colour when the terminal has it and `NO_COLOR` is unset or empty.
    case auto
    /// Colour whenever the terminal has it, even with `NO_COLOR`.
    case always
    /// Never colour: attributes (bold, reverse, underline) and glyphs only.
    case never
}
