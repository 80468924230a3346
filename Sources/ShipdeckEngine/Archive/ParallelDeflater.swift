import Dispatch
import Foundation

/// One raw deflate stream (a zip entry's) made of `blockSize` pieces of input compressed at once on
/// idle cores: each piece is a deflate stream of its own by libdeflate (`PieceDeflate`, the same
/// compressor as the gzip members of tar.gz archives), and every piece but the last is made joinable
/// (`DeflateJoin`: its final-block bit cleared, an empty stored block to a byte boundary), so they
/// join into one valid stream. The input left after the last whole piece (nothing, when the input is
/// a whole number of pieces) is compressed last and keeps its final block. Boundaries depend only on
/// the input, so the bytes are the same on any number of cores; memory stays at a few pieces whatever
/// the size of the entry.
///
/// zlib at level 9, with each piece primed by the 32 KiB before it, was the compressor until
/// 2026-12-01: as small as `zip -9` but 9 times libdeflate 6's CPU (2 s for a 14 MB binary); pieces that
/// do not look back cost 0.1–0.2% and the adaptive levels win more than that back (BENCHMARKS.md, row l).
final class ParallelDeflater {
    /// Input bytes per piece.
    static let blockSize = 1 << 20

    private let parallelism: Int
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private var pieces: PieceCutter

    init(parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
         sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.parallelism = max(1, parallelism)
        self.sink = sink
        pieces = PieceCutter(size: Self.blockSize, batch: self.parallelism)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try pieces.append(bytes) { try writeJoinable($0) }
    }

    /// Compresses what is left and ends the stream.
    func finish() throws {
        try writeJoinable(pieces.takePending())
        let last = try pieces.takeRest().withUnsafeBytes { try PieceDeflate.compress($0) }
        try last.withUnsafeBytes { try sink($0) }
    }

    /// Whole pieces, each made joinable (never the final block: whether a piece is the last one must
    /// not depend on how many were pending).
    private func writeJoinable(_ inputs: [[UInt8]]) throws {
        guard !inputs.isEmpty else { return }
        let joined = try ParallelBlocks.map(count: inputs.count, parallelism: parallelism) { i in
            try inputs[i].withUnsafeBytes { input in try DeflateJoin.joinable(PieceDeflate.compress(input), of: input) }
        }
        for piece in joined { try piece.withUnsafeBytes { try sink($0) } }
    }
}
