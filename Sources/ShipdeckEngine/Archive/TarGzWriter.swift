import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Writes a ustar archive (pax headers where ustar falls short) through deterministic gzip: sorted
/// entries, one mtime for all, uid/gid 0, empty user and group names, normalized modes, and the usual
/// 10 KiB record padding.
enum TarGzWriter {
    static let blockSize = 512
    static let recordSize = 10240

    /// Writes `entries` (already normalized) to `path`; returns the SHA-256 and size of the file.
    static func write(_ entries: [ArchiveEntry], mtime: Int64, to path: String) throws -> (hex: String, size: Int64) {
        let file = try HashingFileWriter(path: path)
        let gzip = try GzipWriter(sink: file)
        var written: Int64 = 0
        for entry in entries {
            let size = try entry.source.map { try fileSize($0) } ?? 0
            let header = try header(for: entry, size: size, mtime: mtime)
            try gzip.write(header)
            written += Int64(header.count)
            if let source = entry.source {
                var copied: Int64 = 0
                try FileChunks.forEach(path: source.path) { chunk in
                    copied += Int64(chunk.count)
                    guard copied <= size else { return }
                    try gzip.write(chunk)
                }
                guard copied == size else {
                    throw ShipdeckError(.io, "\(source.path) changed size while it was archived")
                }
                let padding = (blockSize - Int(size % Int64(blockSize))) % blockSize
                try gzip.write([UInt8](repeating: 0, count: padding))
                written += size + Int64(padding)
            }
        }
        // Two zero blocks end the archive; pad to a whole record like tar(1) does.
        var tail = 2 * blockSize
        let total = written + Int64(tail)
        tail += Int((Int64(recordSize) - total % Int64(recordSize)) % Int64(recordSize))
        try gzip.write([UInt8](repeating: 0, count: tail))
        try gzip.finish()
        return try file.finish()
    }

    /// The size of what is packed: a symbolic link's target (`files:` follows links to files).
    static func fileSize(_ url: URL) throws -> Int64 {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw ShipdeckError(.io, "cannot read \(url.path): \(String(cString: strerror(errno)))")
        }
        return Int64(info.st_size)
    }

    /// The largest number an 11-digit octal field holds (size, mtime): 8 GiB - 1, and the year 2242.
    static let octalLimit: Int64 = 0o77777777777

    /// The header of one entry: a 512-byte ustar block, after a POSIX.1-2001 (pax) extended header
    /// when ustar cannot hold the path (over 100 + 155 bytes), the size (8 GiB or more) or the time
    /// (after 2242). The pax header is only there when needed, so every other archive keeps its bytes.
    static func header(for entry: ArchiveEntry, size: Int64, mtime: Int64) throws -> [UInt8] {
        let fullName = entry.isDirectory ? entry.path + "/" : entry.path
        let time = max(0, mtime)
        let size = entry.isDirectory ? 0 : size
        var records: [(key: String, value: String)] = []
        var name = fullName, prefix = ""
        if let parts = split(fullName) {
            (name, prefix) = parts
        } else {
            records.append(("path", fullName))
            name = asciiPlaceholder(fullName, limit: 100)
        }
        if time > octalLimit { records.append(("mtime", String(time))) }
        if size > octalLimit { records.append(("size", String(size))) }
        let typeflag = entry.isDirectory ? UInt8(ascii: "5") : UInt8(ascii: "0")
        let main = block(
            name: name, prefix: prefix, mode: Int64(entry.mode), size: size > octalLimit ? 0 : size,
            mtime: min(time, octalLimit), typeflag: typeflag)
        guard !records.isEmpty else { return main }
        // Keys in byte order (as Go's archive/tar writes them); each record counts its own length.
        var data: [UInt8] = []
        for record in records.sorted(by: { $0.key < $1.key }) {
            let body = " \(record.key)=\(record.value)\n".utf8.count
            var length = body + String(body).count
            if String(length).count != String(body).count { length = body + String(length).count }
            data += Array("\(length) \(record.key)=\(record.value)\n".utf8)
        }
        let base = fullName.split(separator: "/").last.map(String.init) ?? "entry"
        var out = block(
            name: asciiPlaceholder("PaxHeaders/" + base, limit: 100), prefix: "", mode: 0o644,
            size: Int64(data.count), mtime: min(time, octalLimit), typeflag: UInt8(ascii: "x"))
        out += data
        out += [UInt8](repeating: 0, count: (blockSize - data.count % blockSize) % blockSize)
        return out + main
    }

    /// A ustar name for readers without pax: the path's printable ASCII, cut to the field.
    static func asciiPlaceholder(_ text: String, limit: Int) -> String {
        let printable = text.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7f }
        return String(String.UnicodeScalarView(printable.prefix(limit)))
    }

    /// One 512-byte ustar block; the values must fit their fields.
    static func block(
        name: String, prefix: String, mode: Int64, size: Int64, mtime: Int64, typeflag: UInt8
    ) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ text: String, at offset: Int, width: Int) {
            let bytes = Array(text.utf8.prefix(width))
            block.replaceSubrange(offset..<offset + bytes.count, with: bytes)
        }
        func octal(_ value: Int64, at offset: Int, width: Int) {
            // width-1 octal digits, zero-padded, then NUL.
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(mode, at: 100, width: 8)
        octal(0, at: 108, width: 8)  // uid
        octal(0, at: 116, width: 8)  // gid
        octal(size, at: 124, width: 12)
        octal(mtime, at: 136, width: 12)
        put("        ", at: 148, width: 8)  // checksum placeholder: spaces
        block[156] = typeflag
        put("ustar", at: 257, width: 6)  // "ustar\0"
        put("00", at: 263, width: 2)
        // uname/gname (265, 297) stay empty; devmajor/devminor as zeros.
        octal(0, at: 329, width: 8)
        octal(0, at: 337, width: 8)
        put(prefix, at: 345, width: 155)
        let sum = block.reduce(0) { $0 + Int64($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: max(0, 6 - digits.count)) + digits, at: 148, width: 6)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return block
    }

    /// Splits a path into ustar's name (100) and prefix (155) at a `/`; nil when it does not fit.
    static func split(_ path: String) -> (name: String, prefix: String)? {
        let bytes = path.utf8.count
        if bytes <= 100 { return (path, "") }
        let chars = Array(path)
        for index in chars.indices where chars[index] == "/" {
            let prefix = String(chars[..<index]), name = String(chars[(index + 1)...])
            if prefix.utf8.count <= 155, name.utf8.count <= 100, !name.isEmpty { return (name, prefix) }
        }
        return nil
    }
}
