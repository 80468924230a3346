import CLibDeflate
import Dispatch
import Foundation

/// A deterministic gzip stream, written as a series of gzip members of `memberSize` input bytes each
/// (RFC 1952 §2.2: a gzip file is one or more members; gzip, tar, Go, Python and libarchive read them all).
///
/// Each member is raw deflate by libdeflate at the level its bytes choose (`PieceDeflate`) behind a
/// fixed header — mtime 0, no file name, OS "Unix" — so the bytes depend only on the content. Members
/// are independent, so they are compressed on idle cores at once and written in order; because their
/// boundaries depend only on the input, the output is the same on any number of cores. Memory stays
/// at a few members, whatever the size of the input.
final class GzipWriter: ByteSink {
    /// Input bytes per member: big enough that restarting the dictionary costs nothing measurable
    /// (under 0.2% on Go binaries), small enough to spread one archive over the cores.
    static let memberSize = 1 << 20

    private let sink: ByteSink
    private let parallelism: Int
    private var pieces: PieceCutter
    private var inputBytes = 0

    init(sink: ByteSink, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        self.sink = sink
        self.parallelism = max(1, parallelism)
        pieces = PieceCutter(size: Self.memberSize, batch: self.parallelism)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        inputBytes += bytes.count
        try pieces.append(bytes) { try writeMembers(of: $0) }
    }

    func finish() throws {
        // An empty input is still one (empty) member, so the result is a valid gzip file. Whether a
        // member is added depends only on the input, never on how many members were already written.
        var inputs = pieces.takePending()
        let rest = pieces.takeRest()
        if !rest.isEmpty || inputBytes == 0 { inputs.append(rest) }
        try writeMembers(of: inputs)
    }

    private func writeMembers(of inputs: [[UInt8]]) throws {
        let members = try GzipMember.compress(inputs, parallelism: parallelism)
        for member in members { try member.withUnsafeBytes { try sink.write($0) } }
    }
}

/// One gzip member: header, raw deflate, CRC-32 and length.
enum GzipMember {
    /// ID1 ID2, CM = deflate, FLG = 0, MTIME = 0, XFL = 0, OS = 3 (Unix).
    static let header: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]

    /// Compresses each input into a member, `parallelism` at a time; the results are in input order.
    static func compress(_ inputs: [[UInt8]], parallelism: Int) throws -> [[UInt8]] {
        try ParallelBlocks.map(count: inputs.count, parallelism: parallelism) { try member(of: inputs[$0]) }
    }

    static func member(of input: [UInt8]) throws -> [UInt8] {
        var out = header
        out += try input.withUnsafeBytes { try PieceDeflate.compress($0) }
        let crc = input.withUnsafeBytes { libdeflate_crc32(0, $0.baseAddress, $0.count) }
        out.appendLittleEndian(UInt32(crc))
        out.appendLittleEndian(UInt32(truncatingIfNeeded: input.count))
        return out
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func appendLittleEndian(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func appendLittleEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }
}
