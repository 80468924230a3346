import Foundation
import NIOCore

/// A byte range of a file as a sequence of buffers, read while the request sends them: an upload of a
/// large archive holds one chunk in memory, not the file.
struct FileRangeChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    static let chunkSize = 256 * 1024

    let path: String
    let offset: Int64
    let length: Int64
    let progress: (@Sendable (Int64) -> Void)?

    /// Checks the file can be opened now, so a missing file fails before any byte is sent.
    init(path: String, offset: Int64, length: Int64, progress: (@Sendable (Int64) -> Void)?) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw HTTPTransportError(kind: .body, message: "cannot read \(path)")
        }
        self.path = path
        self.offset = offset
        self.length = length
        self.progress = progress
    }

    func makeAsyncIterator() -> Iterator { Iterator(sequence: self) }

    struct Iterator: AsyncIteratorProtocol {
        let sequence: FileRangeChunks
        var handle: FileHandle?
        var sent: Int64 = 0

        init(sequence: FileRangeChunks) { self.sequence = sequence }

        mutating func next() async throws -> ByteBuffer? {
            if sent >= sequence.length {
                try? handle?.close()
                handle = nil
                return nil
            }
            if handle == nil {
                guard let opened = FileHandle(forReadingAtPath: sequence.path) else {
                    throw HTTPTransportError(kind: .body, message: "cannot open \(sequence.path)")
                }
                try opened.seek(toOffset: UInt64(sequence.offset))
                handle = opened
            }
            let want = Int(Swift.min(Int64(FileRangeChunks.chunkSize), sequence.length - sent))
            let data = try handle!.read(upToCount: want) ?? Data()
            if data.isEmpty {
                try? handle?.close()
                handle = nil
                throw HTTPTransportError(
                    kind: .body,
                    message: "\(sequence.path) ended after \(sent) of \(sequence.length) bytes (changed while uploading?)")
            }
            sent += Int64(data.count)
            sequence.progress?(sent)
            return ByteBuffer(bytes: data)
        }
    }
}

/// Chunks from a caller's stream, counted for the progress callback.
struct ProgressChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let chunks: AsyncThrowingStream<Data, any Error>
    let progress: (@Sendable (Int64) -> Void)?

    func makeAsyncIterator() -> Iterator { Iterator(inner: chunks.makeAsyncIterator(), progress: progress) }

    struct Iterator: AsyncIteratorProtocol {
        var inner: AsyncThrowingStream<Data, any Error>.AsyncIterator
        let progress: (@Sendable (Int64) -> Void)?
        var sent: Int64 = 0

        mutating func next() async throws -> ByteBuffer? {
            while let data = try await inner.next() {
                if data.isEmpty { continue }
                sent += Int64(data.count)
                progress?(sent)
                return ByteBuffer(bytes: data)
            }
            return nil
        }
    }
}
