/// Cuts a stream of bytes into pieces of `size` bytes and hands whole pieces over `batch` at a time:
/// the input side of `GzipWriter` (members) and `ParallelDeflater` (zip pieces). Where a piece ends
/// depends only on the input, never on how the writes came or on `batch`.
struct PieceCutter {
    let size: Int
    let batch: Int
    /// Whole pieces not handed over yet (fewer than `batch`).
    private var pending: [[UInt8]] = []
    /// The piece being filled.
    private var current: [UInt8] = []

    init(size: Int, batch: Int) {
        self.size = size
        self.batch = max(1, batch)
        current.reserveCapacity(size)
    }

    /// Appends `bytes`; `flush` gets each batch of whole pieces as it fills, in input order.
    mutating func append(_ bytes: UnsafeRawBufferPointer, flush: ([[UInt8]]) throws -> Void) rethrows {
        var offset = 0
        while offset < bytes.count {
            let take = min(size - current.count, bytes.count - offset)
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            offset += take
            if current.count == size {
                pending.append(current)
                current = []
                current.reserveCapacity(size)
                if pending.count >= batch { try flush(takePending()) }
            }
        }
    }

    /// The whole pieces not handed over yet; none are kept.
    mutating func takePending() -> [[UInt8]] {
        let pieces = pending
        pending.removeAll(keepingCapacity: true)
        return pieces
    }

    /// The bytes after the last whole piece (empty when the input was whole pieces); none are kept.
    mutating func takeRest() -> [UInt8] {
        let rest = current
        current = []
        return rest
    }
}
