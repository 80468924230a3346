import CLibDeflate
import CZlib
import Foundation

/// The compressors behind every archive, pinned: changing one changes every archive's bytes. They are
/// recorded in the journal (`ReleaseInfo.compression`) and in the provenance, so two releases whose
/// archives differ can be told apart by their compressor.
enum ArchiveCompression {
    /// libdeflate's level for gzip members (tar.gz archives, image layers). Level 6 of libdeflate is
    /// smaller than `gzip -9` and several times faster than `gzip -6` on Go binaries (BENCHMARKS.md).
    static let gzipLevel: Int32 = 6
    /// zlib's level for zip entries, deflated as a stream (zip needs one deflate stream per entry).
    static let zipLevel: Int32 = 9

    /// `tar.gz: libdeflate 1.14 level 6 in 1 MiB gzip members; zip: zlib 1.2.13 level 9`.
    static var description: String {
        "tar.gz: libdeflate \(LIBDEFLATE_VERSION_MAJOR).\(LIBDEFLATE_VERSION_MINOR) level \(gzipLevel) in "
            + "\(GzipWriter.memberSize >> 20) MiB gzip members; zip: zlib \(String(cString: zlibVersion())) level \(zipLevel)"
    }
}
