import Foundation

/// The "new ASCII" cpio format (`070701`) rpm's payload uses: per entry a 110-byte header of hex
/// fields, the NUL-terminated name, the data, each padded to 4 bytes; `TRAILER!!!` ends it.
/// Owners, times and inode numbers are what the rpm header says, so the bytes are fixed.
struct CpioWriter {
    let sink: ByteSink
    private(set) var written: Int64 = 0

    init(sink: ByteSink) { self.sink = sink }

    /// One regular file (`mode` holds the type bits too) read from `source`.
    mutating func add(name: String, inode: UInt32, mode: UInt32, mtime: Int64, source: URL?, size: Int64) throws {
        try writeHeader(name: name, inode: inode, mode: mode, nlink: 1, mtime: mtime, size: size)
        if let source {
            var copied: Int64 = 0
            let sink = sink
            try FileChunks.forEach(path: source.path) { chunk in
                copied += Int64(chunk.count)
                try sink.write(chunk)
            }
            guard copied == size else {
                throw ShipdeckError(.io, "\(source.lastPathComponent) changed size while it was packed")
            }
            written += size
        }
        try pad()
    }

    mutating func finish() throws {
        try writeHeader(name: "TRAILER!!!", inode: 0, mode: 0, nlink: 1, mtime: 0, size: 0)
        try pad()
    }

    private mutating func writeHeader(
        name: String, inode: UInt32, mode: UInt32, nlink: UInt32, mtime: Int64, size: Int64
    ) throws {
        guard size <= Int64(UInt32.max) else {
            throw ShipdeckError(.io, "\(name) is larger than 4 GiB, which rpm's cpio payload cannot hold")
        }
        func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16, uppercase: false)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }
        let nameBytes = Array(name.utf8) + [0]
        var text = "070701" + hex(inode) + hex(mode) + hex(0) + hex(0) + hex(nlink)
        text += hex(UInt32(truncatingIfNeeded: max(0, mtime))) + hex(UInt32(size))
        text += hex(0) + hex(0) + hex(0) + hex(0) + hex(UInt32(nameBytes.count)) + hex(0)
        try sink.write(Array(text.utf8) + nameBytes)
        written += Int64(110 + nameBytes.count)
        try pad()
    }

    private mutating func pad() throws {
        let padding = Int((4 - written % 4) % 4)
        if padding > 0 {
            try sink.write([UInt8](repeating: 0, count: padding))
            written += Int64(padding)
        }
    }
}
