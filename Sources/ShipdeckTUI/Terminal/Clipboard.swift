import CNCursesW
import Foundation
import ShipdeckModel

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Copies text to the clipboard with OSC 52 — the dashboard's own sequence, written by the
/// dashboard; a child's OSC 52 never reaches the terminal (`UntrustedText` escapes it).
///
/// Only where the terminal says it takes OSC 52: terminfo's `Ms` capability (xterm, xterm-256color
/// and tmux-256color have it; screen, rxvt and the Linux console do not), or
/// `SHIPDECK_CLIPBOARD=osc52` for a terminal that takes it without saying so; `SHIPDECK_CLIPBOARD=off`
/// never sends it.
enum Clipboard {
    enum Support: Equatable, Sendable {
        case osc52
        case unsupported(reason: String)
    }

    static func support(environment: [String: String], terminfoHasMs: Bool) -> Support {
        switch environment["SHIPDECK_CLIPBOARD"]?.lowercased() {
        case "off"?, "none"?, "0"?:
            return .unsupported(reason: "SHIPDECK_CLIPBOARD=off")
        case "osc52"?, "on"?, "1"?:
            return .osc52
        default:
            if terminfoHasMs { return .osc52 }
            let term = environment["TERM"] ?? "unset"
            return .unsupported(reason: "TERM=\(UntrustedText.escape(term)) has no Ms (OSC 52) capability; "
                + "SHIPDECK_CLIPBOARD=osc52 forces it")
        }
    }

    /// The terminal's answer, asked of terminfo (call after curses has started).
    static func terminfoHasMs() -> Bool { shipdeck_has_string_capability("Ms") != 0 }

    /// `ESC ] 52 ; c ; base64 BEL`.
    static func sequence(for text: String) -> String {
        "\u{1b}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }

    /// Writes the sequence straight to the terminal (between frames, after curses' own output).
    static func send(_ text: String) -> Bool {
        let bytes = Array(sequence(for: text).utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
