import CZlib
import Dispatch
import Foundation

/// One raw deflate stream (a zip entry's) made of `blockSize` pieces of input compressed at once on
/// idle cores, as pigz does: each piece is compressed by zlib at the pinned level
/// (`ArchiveCompression.zipLevel`) with the 32 KiB of input before it as its dictionary, so matches
/// reach back across the boundary, and ends with a sync flush (an empty stored block, which leaves
/// the stream byte-aligned), so the pieces join into one valid stream. The input left after the
/// last whole piece (nothing, when the input is a whole number of pieces) is compressed last with
/// the final block. Boundaries depend only on the input, so the bytes are the same on any number of
/// cores; memory stays at a few pieces whatever the size of the entry.
///
/// zlib at level 9 is the slowest thing a release with a windows cell does (1.7 s for a 14 MB
/// binary, alone on the critical path after the last build): split, it takes a core count less.
final class ParallelDeflater {
    /// Input bytes per piece.
    static let blockSize = 1 << 20
    /// deflate's window: the dictionary a piece is primed with.
    static let window = 32 * 1024

    private let parallelism: Int
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private var pending: [[UInt8]] = []
    private var current: [UInt8] = []
    /// The last `window` bytes of input before `pending[0]` (or before `current` when none is pending).
    private var dictionary: [UInt8] = []

    init(parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
         sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.parallelism = max(1, parallelism)
        self.sink = sink
        current.reserveCapacity(Self.blockSize)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let take = min(Self.blockSize - current.count, bytes.count - offset)
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            offset += take
            if current.count == Self.blockSize {
                pending.append(current)
                current = []
                current.reserveCapacity(Self.blockSize)
                if pending.count >= parallelism { try compressPending() }
            }
        }
    }

    /// Compresses what is left and ends the stream.
    func finish() throws {
        try compressPending()
        let last = try Self.deflate(current, dictionary: dictionary, final: true)
        current = []
        try last.withUnsafeBytes { try sink($0) }
    }

    /// Whole pieces, each with a sync flush (never the final block: whether a piece is the last one
    /// must not depend on how many were pending).
    private func compressPending() throws {
        guard !pending.isEmpty else { return }
        let inputs = pending
        pending.removeAll(keepingCapacity: true)
        let dictionaries = [dictionary] + inputs.dropLast().map { Array($0.suffix(Self.window)) }
        dictionary = Array(inputs[inputs.count - 1].suffix(Self.window))
        let pieces = try ParallelBlocks.map(count: inputs.count, parallelism: parallelism) { i in
            try Self.deflate(inputs[i], dictionary: dictionaries[i], final: false)
        }
        for piece in pieces { try piece.withUnsafeBytes { try sink($0) } }
    }

    /// One piece: raw deflate of `input` primed with `dictionary`, ending in a sync flush or (final) the last block.
    static func deflate(_ input: [UInt8], dictionary: [UInt8], final: Bool) throws -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        let status = czlib_deflate_init_raw(stream, ArchiveCompression.zipLevel)
        guard status == Z_OK else { throw ShipdeckError(.io, "zlib deflateInit2 failed (\(status))") }
        defer { deflateEnd(stream) }
        if !dictionary.isEmpty {
            let set = dictionary.withUnsafeBufferPointer { deflateSetDictionary(stream, $0.baseAddress, uInt($0.count)) }
            guard set == Z_OK else { throw ShipdeckError(.io, "zlib deflateSetDictionary failed (\(set))") }
        }
        var out: [UInt8] = []
        out.reserveCapacity(Int(deflateBound(stream, uLong(input.count))) + 16)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let flush = final ? Z_FINISH : Z_SYNC_FLUSH
        try input.withUnsafeBufferPointer { inBytes in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inBytes.baseAddress)
            stream.pointee.avail_in = uInt(inBytes.count)
            while true {
                let (status, produced): (Int32, Int) = buffer.withUnsafeMutableBufferPointer { outBytes in
                    stream.pointee.next_out = outBytes.baseAddress
                    stream.pointee.avail_out = uInt(outBytes.count)
                    let status = CZlib.deflate(stream, flush)
                    return (status, outBytes.count - Int(stream.pointee.avail_out))
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw ShipdeckError(.io, "zlib deflate failed (\(status))")
                }
                out.append(contentsOf: buffer[0..<produced])
                if final {
                    if status == Z_STREAM_END { break }
                } else if stream.pointee.avail_in == 0 && produced < buffer.count {
                    break  // the flush is complete: zlib had room left
                }
            }
            stream.pointee.next_in = nil
        }
        return out
    }
}
