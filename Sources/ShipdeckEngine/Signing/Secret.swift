import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A password or key held in memory. Printing, dumping or encoding it shows `<secret>`; only
/// `reveal()` gives the value, and only signer code calls it, to hand it to a tool's stdin.
package struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    init(_ value: String) { self.value = value }

    func reveal() -> String { value }

    package var isEmpty: Bool { value.isEmpty }
    package var description: String { "<secret>" }
    package var debugDescription: String { "<secret>" }
    package var customMirror: Mirror { Mirror(self, children: [:]) }

    /// `text` with every occurrence of the secret (and of each of its lines) replaced.
    func scrub(_ text: String) -> String {
        var out = text
        for piece in [value] + value.split(separator: "\n").map(String.init) where piece.count >= 4 {
            out = out.replacingOccurrences(of: piece, with: "<secret>")
        }
        return out
    }
}
