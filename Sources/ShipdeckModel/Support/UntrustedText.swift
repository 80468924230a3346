/// Makes text from outside (child output, file names, config values) safe to show on a terminal.
///
/// Nothing that a terminal would act on survives: ESC and therefore every CSI/OSC/DCS/APC
/// sequence, the other C0 controls but tab, DEL, the C1 controls, and the bidi controls that
/// reorder what is seen (U+202A–202E, U+2066–2069, plus U+200E/200F, U+061C). Each is shown
/// visibly escaped (`\e`, `\x07`, `<U+202E>`), so the user sees that something was there.
public enum UntrustedText {
    /// One line, escaped. A `\r` inside a line acts as a terminal would: what follows it
    /// overwrites the start of the line (progress bars end up as their last state).
    public static func escape(_ text: String) -> String {
        let line = text.contains("\r") ? applyCarriageReturns(text) : text
        if line.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f }) { return line }
        var out = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            switch scalar.value {
            case 0x09:
                out.append(scalar)
            case 0x1b:
                out.append(contentsOf: "\\e".unicodeScalars)
            case 0x00..<0x20, 0x7f:
                out.append(contentsOf: hex2(scalar.value).unicodeScalars)
            case 0x80..<0xa0:
                out.append(contentsOf: hex2(scalar.value).unicodeScalars)
            case 0x202a...0x202e, 0x2066...0x2069, 0x200e, 0x200f, 0x061c:
                out.append(contentsOf: "<U+\(String(scalar.value, radix: 16, uppercase: true))>".unicodeScalars)
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// A scalar `escape` would not show as itself: a C0 control (tab included), DEL, a C1 control
    /// or a bidi control. For checks of values that must be plain text (package fields, names).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7f, 0x80..<0xa0: return true
        case 0x202a...0x202e, 0x2066...0x2069, 0x200e, 0x200f, 0x061c: return true
        default: return false
        }
    }

    static func hex2(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return "\\x\(digits[Int(value >> 4) & 0xf])\(digits[Int(value) & 0xf])"
    }

    /// Overlays each `\r`-separated segment onto the line from column 0.
    static func applyCarriageReturns(_ text: String) -> String {
        var current: [Character] = []
        for segment in text.split(separator: "\r", omittingEmptySubsequences: false) {
            let chars = Array(segment)
            if chars.count >= current.count {
                current = chars
            } else {
                current.replaceSubrange(0..<chars.count, with: chars)
            }
        }
        return String(current)
    }
}
