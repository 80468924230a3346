import CLibDeflate
import CZlib
import Foundation

/// Raw deflate of one piece of an archive (a gzip member's or a zip piece's 1 MiB) by libdeflate, at
/// a level the piece's own bytes choose, so the output depends on nothing but the input:
///
/// - `baseLevel` (7) for most pieces;
/// - `strongLevel` (10, libdeflate's first near-optimal parser) for a piece whose middle
///   `sampleSize` bytes come out at least `gainPercent` smaller at 10 than at `probeLevel` (6).
///
/// Why (BENCHMARKS.md, row l): on most Go binaries libdeflate 7 is already smaller than `gzip -9`, but
/// some sections (long tables of similar records, repetitive generated code) are where zlib's deep
/// hash chains beat libdeflate's lazy parsers by 5–10%; the near-optimal parser wins those back
/// (0.87 of level 6 there) at 6–7 times the CPU, which would be too much for every piece. The sample
/// costs about a fifth of a level-6 pass. Measured over 25 binaries (the bench's generated module
/// and cmd/go, compile, vet, gofmt for five targets): 0.990–0.994 of `gzip -9`, every binary
/// ≤ 0.997, at 1.9× the CPU of level 6 — a quarter of zlib 9's.
enum PieceDeflate {
    static let baseLevel: Int32 = 7
    static let strongLevel: Int32 = 10
    static let probeLevel: Int32 = 6
    static let sampleSize = 16 * 1024
    static let gainPercent = 5

    /// `level 7 or at level 10 where the middle 16 KiB of a piece is ≥5% smaller at level 10 than at level 6`:
    /// no punctuation stuck to the values, so a difference reads `level 7 ≠ 8` (ArchiveComparison).
    static var description: String {
        "level \(baseLevel) or at level \(strongLevel) where the middle \(sampleSize >> 10) KiB of a piece is "
            + "≥\(gainPercent)% smaller at level \(strongLevel) than at level \(probeLevel)"
    }

    /// The level for `input`: a function of its bytes only.
    static func level(for input: UnsafeRawBufferPointer) throws -> Int32 {
        let length = min(sampleSize, input.count)
        guard length > 0 else { return baseLevel }
        let start = (input.count - length) / 2
        let sample = UnsafeRawBufferPointer(rebasing: input[start..<(start + length)])
        let probe = try compress(sample, level: probeLevel).count
        let strong = try compress(sample, level: strongLevel).count
        return strong * 100 < probe * (100 - gainPercent) ? strongLevel : baseLevel
    }

    /// A complete raw deflate stream (its last block final) of `input` at the level it chooses.
    static func compress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        try compress(input, level: level(for: input))
    }

    static func compress(_ input: UnsafeRawBufferPointer, level: Int32) throws -> [UInt8] {
        guard let compressor = libdeflate_alloc_compressor(level) else {
            throw ShipdeckError(.io, "libdeflate could not allocate a level \(level) compressor")
        }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_deflate_compress_bound(compressor, input.count)
        var out = [UInt8](repeating: 0, count: bound)
        let produced = out.withUnsafeMutableBytes { outBytes in
            libdeflate_deflate_compress(compressor, input.baseAddress, input.count, outBytes.baseAddress, bound)
        }
        // The bound fits any input, so 0 (did not fit) cannot happen; an empty input is one empty block.
        guard produced > 0 else { throw ShipdeckError(.io, "libdeflate could not compress a block") }
        out.removeSubrange(produced...)
        return out
    }
}

/// Turns a complete raw deflate stream into one that the next piece's stream can follow in the same
/// deflate stream (a zip entry is one stream; its pieces are compressed on their own): the final-block
/// bit of its last block is cleared, and an empty stored block (three zero bits, padding, 00 00 FF FF,
/// what zlib's sync flush writes) takes it to a byte boundary, where the next piece's first block
/// begins. The block boundaries are found by inflating the piece with zlib's `Z_BLOCK`, which stops
/// at each one and says how many bits of the last byte it has not used (zlib.h, inflate). Pieces
/// never refer back to one another (each is its own stream), so the joined stream is valid; the
/// result is inflated again and checked against the input's length and CRC-32 before it is used.
enum DeflateJoin {
    struct Scan {
        /// Bytes before the final block's header, and the header's bit in the byte after them.
        var finalHeader: (byte: Int, bit: Int)?
        /// The stream's end: bytes it touches, and bits of the last one it leaves unused.
        var end: (bytes: Int, unusedBits: Int)?
        var inflated = 0
        var crc: UInt32 = 0
    }

    /// `stream` (complete, as `PieceDeflate.compress` makes it) made joinable; `input` is what it inflates to.
    static func joinable(_ stream: [UInt8], of input: UnsafeRawBufferPointer) throws -> [UInt8] {
        let scan = try Self.scan(stream)
        guard let header = scan.finalHeader, let end = scan.end, end.bytes == stream.count,
            scan.inflated == input.count
        else { throw ShipdeckError(.io, "a deflate piece did not end as expected (\(stream.count) bytes)") }
        var out = stream
        out[header.byte] &= ~UInt8(1 << header.bit)
        if end.unusedBits > 0 { out[out.count - 1] &= UInt8((1 << (8 - end.unusedBits)) - 1) }
        // The stored block's header: in the last byte's unused bits when three are left, else in one more byte.
        if end.unusedBits < 3 { out.append(0) }
        out.append(contentsOf: [0x00, 0x00, 0xff, 0xff])
        let check = try Self.scan(out)
        guard check.end == nil, check.inflated == input.count, check.crc == CRC32.update(0, input) else {
            throw ShipdeckError(.io, "a joined deflate piece does not inflate to its input")
        }
        return out
    }

    /// Inflates `stream` block by block. Without a final block, the scan must end at a block
    /// boundary with every byte used.
    static func scan(_ stream: [UInt8]) throws -> Scan {
        let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        z.initialize(to: z_stream())
        defer { z.deinitialize(count: 1); z.deallocate() }
        guard czlib_inflate_init_raw(z) == Z_OK else { throw ShipdeckError(.io, "zlib inflateInit2 failed") }
        defer { inflateEnd(z) }
        var result = Scan()
        // A raw stream's first block header is its first bit.
        var header = (byte: 0, bit: 0)
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        try stream.withUnsafeBufferPointer { input in
            z.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            z.pointee.avail_in = uInt(input.count)
            while true {
                let (status, produced): (Int32, Int) = scratch.withUnsafeMutableBufferPointer { out in
                    z.pointee.next_out = out.baseAddress
                    z.pointee.avail_out = uInt(out.count)
                    let status = inflate(z, Z_BLOCK)
                    let produced = out.count - Int(z.pointee.avail_out)
                    result.crc = CRC32.update(result.crc, UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: out[0..<produced])))
                    return (status, produced)
                }
                result.inflated += produced
                let used = input.count - Int(z.pointee.avail_in)
                let type = Int(z.pointee.data_type)
                if status == Z_STREAM_END { return }
                // Z_BUF_ERROR is no progress: the bytes ran out inside a block.
                guard status == Z_OK else { throw ShipdeckError(.io, "a deflate piece does not inflate (zlib \(status))") }
                guard type & 128 != 0 else { continue }  // the output buffer was full, not a boundary
                let unused = type & 7
                if type & 64 != 0 {
                    // Right after the final block's end code.
                    result.finalHeader = header
                    result.end = (used, unused)
                } else if used == input.count && unused == 0 {
                    return  // every byte used, at a boundary: a stream without a final block
                } else {
                    header = unused > 0 ? (used - 1, 8 - unused) : (used, 0)
                }
            }
        }
        return result
    }
}
