import Foundation

/// Says why two archives of one cell differ: different binaries, a different compressor (its
/// description, version or level as recorded in `ReleaseInfo.compression`), or, with the same
/// binary and the same compressor, an archive writer that is not deterministic.
struct ArchiveComparison {
    /// One archive and what it was made from.
    struct Side {
        /// "the first build", "the earlier run (2026-12-01T14:02:11Z)".
        var label: String
        var archiveSHA256: String
        var binarySHA256: String
        /// `ArchiveCompression.description` of the run that wrote it; nil when not recorded.
        var compression: String?
    }

    /// Nil when both archives have the same bytes; otherwise what differs and the cause.
    static func difference(name: String, _ a: Side, _ b: Side) -> String? {
        guard a.archiveSHA256 != b.archiveSHA256 else { return nil }
        let head =
            "\(name) differs: sha256 \(a.archiveSHA256.prefix(16)) from \(a.label), \(b.archiveSHA256.prefix(16)) from \(b.label)"
        guard a.binarySHA256 == b.binarySHA256 else {
            return head + "; cause: the binaries differ (\(a.binarySHA256.prefix(16)) vs \(b.binarySHA256.prefix(16)))"
        }
        guard let x = a.compression, let y = b.compression else {
            return head + ", with the same binary; \(a.compression == nil ? a.label : b.label) recorded no "
                + "compressor, so a compressor change cannot be ruled out"
        }
        guard x == y else {
            return head + ", with the same binary; cause: the compressor differs: " + wordsThatDiffer(x, y)
                + " (\(a.label): \(x); \(b.label): \(y))"
        }
        return head + ", with the same binary and the same compressor (\(x)): the archive writer is not "
            + "deterministic; please report it with both archives"
    }

    /// `libdeflate 1.14 ≠ 1.18` for descriptions of the same shape, else both whole.
    static func wordsThatDiffer(_ a: String, _ b: String) -> String {
        let xs = a.split(separator: " "), ys = b.split(separator: " ")
        guard xs.count == ys.count else { return "\(a) ≠ \(b)" }
        var out: [String] = []
        for i in xs.indices where xs[i] != ys[i] {
            // Name the word before a differing value ("libdeflate", "level") so it reads on its own.
            let label = i > 0 && xs[i - 1] == ys[i - 1] ? "\(xs[i - 1]) " : ""
            out.append("\(label)\(xs[i]) ≠ \(ys[i])")
        }
        return out.joined(separator: ", ")
    }
}
