import CNCursesW

/// Display width of text in terminal columns, so wide characters (CJK, emoji) keep columns aligned.
///
/// It asks the C library's `wcwidth` first (the same table ncurses uses once the locale is UTF-8)
/// and falls back to a small table of wide and zero-width ranges when the locale cannot tell
/// (the C locale answers -1 for everything outside ASCII).
enum TextWidth {
    /// Columns one scalar takes: 0 (combining), 1 or 2.
    static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value >= 0x20 && value < 0x7f { return 1 }
        if value < 0x20 || (value >= 0x7f && value < 0xa0) { return 0 }
        let width = Int(shipdeck_wcwidth(value))
        if width >= 0 { return width }
        return fallbackWidth(value)
    }

    /// Columns a whole string takes.
    static func of(_ text: String) -> Int {
        var total = 0
        for scalar in text.unicodeScalars { total += of(scalar) }
        return total
    }

    static func fallbackWidth(_ value: UInt32) -> Int {
        switch value {
        case 0x0300...0x036f, 0x0483...0x0489, 0x0591...0x05bd, 0x0610...0x061a, 0x064b...0x065f,
             0x1ab0...0x1aff, 0x1dc0...0x1dff, 0x200b...0x200f, 0x20d0...0x20ff, 0xfe00...0xfe0f,
             0xfe20...0xfe2f, 0xe0100...0xe01ef:
            return 0
        case 0x1100...0x115f, 0x231a...0x231b, 0x2329...0x232a, 0x23e9...0x23ec, 0x2e80...0x303e,
             0x3041...0x33ff, 0x3400...0x4dbf, 0x4e00...0x9fff, 0xa000...0xa4cf, 0xa960...0xa97f,
             0xac00...0xd7a3, 0xf900...0xfaff, 0xfe30...0xfe4f, 0xff00...0xff60, 0xffe0...0xffe6,
             0x1f300...0x1f64f, 0x1f680...0x1f6ff, 0x1f900...0x1f9ff, 0x1fa70...0x1faff,
             0x20000...0x2fffd, 0x30000...0x3fffd:
            return 2
        default:
            return 1
        }
    }

    /// The longest prefix of `text` that fits in `width` columns. With `ellipsis`, a cut text ends
    /// in `…` (or `~` in ASCII mode) so the reader sees that something was cut.
    static func clip(_ text: String, to width: Int, ellipsis: String? = nil) -> String {
        guard width > 0 else { return "" }
        var used = 0
        var index = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        while index != scalars.endIndex {
            let w = of(scalars[index])
            if used + w > width { break }
            used += w
            index = scalars.index(after: index)
        }
        if index == scalars.endIndex { return text }
        guard let ellipsis, width >= 1 else { return String(scalars[..<index]) }
        // Make room for the ellipsis.
        let room = width - of(ellipsis)
        var out = String.UnicodeScalarView()
        used = 0
        for scalar in scalars {
            let w = of(scalar)
            if used + w > room { break }
            used += w
            out.append(scalar)
        }
        return String(out) + ellipsis
    }

    /// `text` clipped to `width` and padded with spaces to exactly `width` columns.
    static func pad(_ text: String, to width: Int, ellipsis: String? = nil) -> String {
        let clipped = clip(text, to: width, ellipsis: ellipsis)
        let w = of(clipped)
        return w >= width ? clipped : clipped + String(repeating: " ", count: width - w)
    }

    /// `text` right-aligned in `width` columns.
    static func padLeft(_ text: String, to width: Int) -> String {
        let clipped = clip(text, to: width)
        let w = of(clipped)
        return w >= width ? clipped : String(repeating: " ", count: width - w) + clipped
    }

    /// Tabs expanded to the next multiple of `tabWidth` columns.
    static func expandTabs(_ text: String, tabWidth: Int = 8) -> String {
        guard text.contains("\t") else { return text }
        var out = String.UnicodeScalarView()
        var column = 0
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                let spaces = tabWidth - column % tabWidth
                out.append(contentsOf: String(repeating: " ", count: spaces).unicodeScalars)
                column += spaces
            } else {
                out.append(scalar)
                column += of(scalar)
            }
        }
        return String(out)
    }
}
