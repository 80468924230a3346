import Crypto
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Where archive writers put their bytes, in order.
protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Writes a file and hashes it in the same pass, so an archive is never read back to be hashed.
final class HashingFileWriter: ByteSink {
    let path: String
    private var fd: Int32
    private var hasher = SHA256()
    private(set) var size: Int64 = 0
    private var buffer: [UInt8] = []
    private static let flushSize = 256 * 1024

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ShipdeckError(.io, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        buffer.reserveCapacity(Self.flushSize)
    }

    deinit { if fd >= 0 { close(fd) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        hasher.update(bufferPointer: bytes)
        size += Int64(bytes.count)
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ShipdeckError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs (unless told not to: scratch files) and closes; returns the SHA-256 (hex) and
    /// size of everything written.
    func finish(sync: Bool = true) throws -> (hex: String, size: Int64) {
        try flush()
        if sync { _ = fsync(fd) }
        close(fd)
        fd = -1
        return (FileDigest.hex(hasher.finalize()), size)
    }
}

/// Reads a file in chunks and hands each to `body`.
enum FileChunks {
    static func forEach(path: String, chunkSize chunk: Int = 256 * 1024,
                        _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ShipdeckError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                throw ShipdeckError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }
}
