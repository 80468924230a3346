import Foundation

/// A gzip stream with a fixed header: mtime 0, no file name, OS byte "Unix", one pinned level,
/// so the bytes depend only on the content (ARCHITECTURE.md §4).
final class GzipWriter: ByteSink {
    private let sink: ByteSink
    private let deflater: RawDeflater
    private var crc: UInt32 = 0
    private var length: UInt32 = 0

    init(sink: ByteSink) throws {
        self.sink = sink
        deflater = try RawDeflater()
        // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=2 (maximum compression) OS=3 (Unix)
        try sink.write([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0x03])
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        crc = CRC32.update(crc, bytes)
        length = length &+ UInt32(truncatingIfNeeded: bytes.count)
        try deflater.compress(bytes, finish: false) { try sink.write($0) }
    }

    func finish() throws {
        try deflater.compress(UnsafeRawBufferPointer(start: nil, count: 0), finish: true) { try sink.write($0) }
        var trailer: [UInt8] = []
        trailer.appendLittleEndian(crc)
        trailer.appendLittleEndian(length)
        try sink.write(trailer)
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func appendLittleEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }
}
