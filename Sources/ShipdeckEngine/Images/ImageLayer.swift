import CZlib
import Foundation

/// One image layer: a deterministic tar holding a single executable (and its parent folders),
/// gzip-compressed. Same file and SOURCE_DATE_EPOCH → same bytes, so the same digests.
///
/// The tar is ustar with sorted entries, mtime = SOURCE_DATE_EPOCH, uid/gid 0, no user or group
/// names, modes 0755; the gzip member has mtime 0, no file name, OS 255, and zlib's deflate at
/// level 9. This is a small private writer: the layer has one file, and the general archive
/// writers were not in the tree when images were written.
struct ImageLayer {
    /// The uncompressed tar (its SHA-256 is the config's `diff_id`).
    let tar: Data
    /// The gzip-compressed tar (its SHA-256 is the layer's digest).
    let gzip: Data

    init(file contents: Data, at path: String, epoch: Int64) throws {
        var tar = Data()
        let components = path.split(separator: "/").map(String.init)
        var prefix = ""
        for directory in components.dropLast() {
            prefix += directory + "/"
            tar.append(try Self.header(name: prefix, size: 0, type: "5", epoch: epoch))
        }
        tar.append(try Self.header(name: prefix + components.last!, size: contents.count, type: "0", epoch: epoch))
        tar.append(contents)
        let padding = (512 - contents.count % 512) % 512
        tar.append(Data(count: padding + 1024))
        self.tar = tar
        self.gzip = try Self.gzip(tar)
    }

    static func header(name: String, size: Int, type: Character, epoch: Int64) throws -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (i, byte) in text.utf8.prefix(width).enumerated() { block[offset + i] = byte }
        }
        func octal(_ value: Int64, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        var (namePart, prefixPart) = (name, "")
        if name.utf8.count > 100 {
            // ustar splits long names at a '/' into prefix (155) and name (100).
            let bytes = Array(name.utf8)
            guard let cut = bytes.indices.last(where: { bytes[$0] == UInt8(ascii: "/") && $0 <= 155 && bytes.count - $0 - 1 <= 100 }) else {
                throw ShipdeckError(.config, "images: the path \(name) is too long for a tar header")
            }
            prefixPart = String(decoding: bytes[..<cut], as: UTF8.self)
            namePart = String(decoding: bytes[(cut + 1)...], as: UTF8.self)
        }
        put(namePart, at: 0, width: 100)
        octal(0o755, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(Int64(size), at: 124, width: 12)
        octal(max(0, epoch), at: 136, width: 12)
        put("        ", at: 148, width: 8)
        block[156] = UInt8(ascii: type.unicodeScalars.first!)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        octal(0, at: 329, width: 8)
        octal(0, at: 337, width: 8)
        put(prefixPart, at: 345, width: 155)
        let sum = block.reduce(0) { $0 + Int64($1) }
        octal(sum, at: 148, width: 7)
        block[155] = UInt8(ascii: " ")
        return Data(block)
    }

    /// A single gzip member: fixed header, raw deflate (zlib, level 9), CRC-32 and size trailer.
    static func gzip(_ input: Data) throws -> Data {
        var out = Data([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0xff])
        var stream = z_stream()
        guard czlib_deflate_init_raw(&stream, 9) == Z_OK else {
            throw ShipdeckError(.io, "zlib could not start a deflate stream")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 64
        var buffer = [UInt8](repeating: 0, count: bound)
        var produced = 0
        let status: Int32 = input.withUnsafeBytes { raw in
            buffer.withUnsafeMutableBufferPointer { dest in
                stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = dest.baseAddress
                stream.avail_out = uInt(dest.count)
                let result = deflate(&stream, Z_FINISH)
                produced = dest.count - Int(stream.avail_out)
                return result
            }
        }
        guard status == Z_STREAM_END else { throw ShipdeckError(.io, "zlib deflate failed (status \(status))") }
        out.append(contentsOf: buffer[..<produced])
        let crc: UInt = input.withUnsafeBytes { raw in
            UInt(crc32(0, raw.bindMemory(to: Bytef.self).baseAddress, uInt(input.count)))
        }
        for value in [UInt32(truncatingIfNeeded: crc), UInt32(truncatingIfNeeded: input.count)] {
            withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }
}
