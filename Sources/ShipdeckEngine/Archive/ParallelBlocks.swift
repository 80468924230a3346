import Dispatch
import Foundation

/// Compresses independent blocks at once on idle cores and hands the results back in input order
/// (the gzip members of `GzipWriter`, the zip pieces of `ParallelDeflater`). The first error thrown
/// by any block is rethrown.
enum ParallelBlocks {
    static func map(count: Int, parallelism: Int, _ body: @Sendable (Int) throws -> [UInt8]) throws -> [[UInt8]] {
        let results = Slots(count: count)
        if count == 1 || parallelism == 1 {
            for i in 0..<count { results.set(i, Result { try body(i) }) }
        } else {
            DispatchQueue.concurrentPerform(iterations: count) { i in results.set(i, Result { try body(i) }) }
        }
        return try results.values()
    }

    /// One result per block, filled from several threads.
    private final class Slots: @unchecked Sendable {
        // `lock` guards `slots`.
        private let lock = NSLock()
        private var slots: [Result<[UInt8], Error>?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ result: Result<[UInt8], Error>) { lock.withLock { slots[index] = result } }

        func values() throws -> [[UInt8]] { try lock.withLock { try slots.map { try $0!.get() } } }
    }
}
