import Foundation
import Testing

@testable import ShipdeckEngine

/// What `--verify-reproducible` says when two archives of one cell differ.
@Suite struct ArchiveComparisonTests {
    typealias Side = ArchiveComparison.Side
    /// This build's own description, so the test follows its shape.
    let now = ArchiveCompression.description
    /// `libdeflate 1.14`: its first two words.
    var version: String { now.split(separator: " ").prefix(2).joined(separator: " ") }

    func side(_ label: String, archive: String, binary: String = "b1", compression: String?) -> Side {
        Side(label: label, archiveSHA256: archive, binarySHA256: binary, compression: compression)
    }

    @Test func sameBytesIsNoDifference() {
        #expect(ArchiveComparison.difference(name: "x.tar.gz", side("a", archive: "1", compression: now),
                                             side("b", archive: "1", compression: "other")) == nil)
    }

    @Test func aCompressorVersionOrLevelIsNamed() throws {
        let earlier = now.replacingOccurrences(of: version, with: "libdeflate 9.99")
        let text = try #require(ArchiveComparison.difference(
            name: "x.tar.gz", side("the earlier run", archive: "1", compression: earlier),
            side("this run", archive: "2", compression: now)))
        #expect(text.contains("with the same binary; cause: the compressor differs: libdeflate 9.99 ≠ \(now.split(separator: " ")[1])"), "\(text)")
        let level = now.replacingOccurrences(of: "at level 7 or", with: "at level 6 or")
        let byLevel = try #require(ArchiveComparison.difference(
            name: "x.zip", side("a", archive: "1", compression: now), side("b", archive: "2", compression: level)))
        #expect(byLevel.contains("the compressor differs: level 7 ≠ 6"), "\(byLevel)")
    }

    @Test func otherBinariesAreTheCauseBeforeAnyCompressor() throws {
        let text = try #require(ArchiveComparison.difference(
            name: "x.tar.gz", side("a", archive: "1", binary: "b1", compression: now),
            side("b", archive: "2", binary: "b2", compression: "another")))
        #expect(text.contains("cause: the binaries differ"))
        #expect(!text.contains("compressor"))
    }

    @Test func sameBinarySameCompressorIsTheWriters() throws {
        let text = try #require(ArchiveComparison.difference(
            name: "x.tar.gz", side("a", archive: "1", compression: now), side("b", archive: "2", compression: now)))
        #expect(text.contains("the same compressor (\(now)): the archive writer is not deterministic"))
        let unknown = try #require(ArchiveComparison.difference(
            name: "x.tar.gz", side("an old journal", archive: "1", compression: nil), side("b", archive: "2", compression: now)))
        #expect(unknown.contains("an old journal recorded no compressor"))
    }
}
