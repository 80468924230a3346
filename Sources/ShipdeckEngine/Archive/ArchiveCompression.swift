import CLibDeflate
import Foundation

/// The compressors behind every archive, pinned: changing one changes every archive's bytes. They are
/// recorded in the journal (`ReleaseInfo.compression`) and in the provenance, so two releases whose
/// archives differ can be told apart by their compressor.
///
/// Both formats use one compressor, libdeflate on 1 MiB pieces at a level each piece's bytes choose
/// (`PieceDeflate`): a tar.gz is one gzip member per piece, a zip entry one deflate stream of joined
/// pieces (`ParallelDeflater`). Over 25 Go binaries that is 0.990–0.994 of `gzip -9` / `zip -9` in
/// size at a quarter of zlib 9's CPU (BENCHMARKS.md, rows h and l).
enum ArchiveCompression {
    /// The level RPM's payload flags name (the base level; some pieces use `PieceDeflate.strongLevel`).
    static let gzipLevel: Int32 = PieceDeflate.baseLevel

    /// Every parameter that decides the bytes, so `--verify-reproducible` can name a difference.
    static var description: String {
        "libdeflate \(LIBDEFLATE_VERSION_MAJOR).\(LIBDEFLATE_VERSION_MINOR) on \(GzipWriter.memberSize >> 20) MiB pieces at "
            + "\(PieceDeflate.description) — tar.gz: a gzip member per piece — zip: the pieces joined into one deflate stream"
    }
}
