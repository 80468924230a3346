import Crypto
import Foundation

/// SHA-256 of files, streamed in 1 MiB reads so memory does not grow with the file.
package enum FileDigest {
    package static let chunkSize = 1 << 20

    /// Hex SHA-256 and size of the file at `path`.
    package static func sha256(path: String) throws -> (hex: String, size: Int64) {
        var hasher = SHA256()
        var size: Int64 = 0
        try FileChunks.forEach(path: path, chunkSize: chunkSize) { chunk in
            hasher.update(bufferPointer: chunk)
            size += Int64(chunk.count)
        }
        return (hex(hasher.finalize()), size)
    }

    /// Copies `source` to `destination` (created or truncated, then synced) in one pass that hashes
    /// what it writes; returns the SHA-256 and size of the copy's bytes. A caller that checks the
    /// result against a recorded digest has checked the copy, without reading it back.
    package static func copy(_ source: String, to destination: String) throws -> (hex: String, size: Int64) {
        let writer = try HashingFileWriter(path: destination)
        try FileChunks.forEach(path: source, chunkSize: chunkSize) { try writer.write($0) }
        return try writer.finish()
    }

    package static func sha256(data: Data) -> String { hex(SHA256.hash(data: data)) }

    package static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
