import Foundation

/// What the artifact cache knows about one stored build: the blob's SHA-256 and size (checked on
/// every use) and the record of the build that made it, so a release that reuses it can say where
/// its binary came from (journal, provenance).
package struct ArtifactCacheEntry: Codable, Sendable, Equatable {
    /// Bumped when the entry's meaning changes; entries of another scheme are never used.
    package static let currentScheme = 1

    package var scheme = ArtifactCacheEntry.currentScheme
    /// The cell's input fingerprint (`CellFingerprint`), which names the entry.
    package var key: String
    /// Hex SHA-256 of the binary (also the blob's file name).
    package var sha256: String
    package var size: Int64
    /// The original build.
    package var build: BuildRecord
    /// The archives that release wrote from this binary (stored as blobs too), with the compressor
    /// it used: a later release with the same inputs, epoch and compressor takes them as they are,
    /// and a `--verify-reproducible` run writes its own and compares.
    package var archives: [ArchiveDigest] = []
    package var compression: String?
    /// SOURCE_DATE_EPOCH of that release: every archive entry's mtime.
    package var sourceDateEpoch: Int64?

    package struct BuildRecord: Codable, Sendable, Equatable {
        package var cell: String
        package var project: String
        package var version: String
        package var commit: String?
        package var goVersion: String
        package var shipdeckVersion: String
        /// ISO 8601, UTC.
        package var builtAt: String
        package var buildSeconds: Double?
    }

    package struct ArchiveDigest: Codable, Sendable, Equatable {
        package var name: String
        package var sha256: String
        package var size: Int64
    }

    /// One line for a stage detail or a warning.
    package var summary: String {
        "built \(build.builtAt) by Shipdeck \(build.shipdeckVersion) for \(build.project) \(build.version)"
            + (build.commit.map { " at \($0.prefix(7))" } ?? "") + " with \(build.goVersion)"
    }
}
