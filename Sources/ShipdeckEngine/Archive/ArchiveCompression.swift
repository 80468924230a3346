import CLibDeflate
import CZlib
import Foundation

/// The compressors behind every archive, pinned: changing one changes every archive's bytes. They are
/// recorded in the journal (`ReleaseInfo.compression`) and in the provenance, so two releases whose
/// archives differ can be told apart by their compressor.
enum ArchiveCompression {
    /// libdeflate's level for gzip members (tar.gz archives, image layers). Level 6 is three times
    /// faster than `gzip -6` and within 1% of `gzip -9` on Go binaries (smaller on small ones);
    /// level 7 costs 1.7× its time and is still 0.3% larger on the 200-package module, level 8 (the
    /// first below `gzip -9` there) 4.6×, more than `gzip -6` itself (BENCHMARKS.md, rows h and l).
    static let gzipLevel: Int32 = 6
    /// zlib's level for zip entries: one deflate stream per entry, made of 1 MiB pieces compressed on
    /// idle cores (ParallelDeflater; .deb members use RawDeflater, one piece).
    static let zipLevel: Int32 = 9

    /// `tar.gz: libdeflate 1.14 level 6 in 1 MiB gzip members; zip: zlib 1.2.13 level 9 in 1 MiB pieces`:
    /// every parameter that decides the bytes, so `--verify-reproducible` can name a difference.
    static var description: String {
        "tar.gz: libdeflate \(LIBDEFLATE_VERSION_MAJOR).\(LIBDEFLATE_VERSION_MINOR) level \(gzipLevel) in "
            + "\(GzipWriter.memberSize >> 20) MiB gzip members; zip: zlib \(String(cString: zlibVersion())) level \(zipLevel) in "
            + "\(ParallelDeflater.blockSize >> 20) MiB pieces"
    }
}
