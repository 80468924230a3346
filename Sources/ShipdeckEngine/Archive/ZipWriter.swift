import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Writes a zip archive deterministically: sorted entries, streamed deflate at the pinned level (in
/// pieces over the cores: ParallelDeflater), DOS time
/// from SOURCE_DATE_EPOCH in UTC (clamped to 1980-01-01, the format's first day), no extra fields
/// (so no extended timestamps), Unix modes in the external attributes.
enum ZipWriter {
    static func write(_ entries: [ArchiveEntry], mtime: Int64, to path: String) throws -> (hex: String, size: Int64) {
        let file = try HashingFileWriter(path: path)
        let (dosTime, dosDate) = dosDateTime(mtime)
        var central: [UInt8] = []
        var offset: UInt32 = 0
        for entry in entries {
            let name = Array((entry.isDirectory ? entry.path + "/" : entry.path).utf8)
            guard name.count <= Int(UInt16.max) else {
                throw ShipdeckError(.config, "zip entry name too long: \(entry.path)")
            }
            // Deflated as a stream into a scratch file beside the archive, so a large binary never sits
            // in memory; stored instead when deflate does not help (empty files, directories).
            var crc: UInt32 = 0
            var rawSize = 0
            var method: UInt16 = 0
            var storedSize = 0
            let scratch = "\(path).entry"
            defer { unlink(scratch) }
            if let source = entry.source {
                let deflated = try HashingFileWriter(path: scratch)
                // Pieces deflated on idle cores (ParallelDeflater), written in order.
                let deflater = ParallelDeflater { try deflated.write($0) }
                try FileChunks.forEach(path: source.path) { chunk in
                    crc = CRC32.update(crc, chunk)
                    rawSize += chunk.count
                    try deflater.write(chunk)
                }
                try deflater.finish()
                // A scratch file, read back at once and deleted: not synced.
                let compressedSize = Int(try deflated.finish(sync: false).size)
                if rawSize > 0 && compressedSize < rawSize {
                    method = 8
                    storedSize = compressedSize
                } else {
                    storedSize = rawSize
                }
            }
            guard storedSize < Int(UInt32.max), rawSize < Int(UInt32.max),
                Int(offset) + 30 + name.count + storedSize < Int(UInt32.max)
            else {
                throw ShipdeckError(
                    .io, "\(entry.path) is too large for a zip without zip64",
                    hint: "use the tar.gz format for files over 4 GiB")
            }
            let flags: UInt16 = name.allSatisfy({ $0 < 0x80 }) ? 0 : 0x0800  // UTF-8 names
            var local: [UInt8] = []
            local.appendLittleEndian(UInt32(0x0403_4b50))
            local.appendLittleEndian(UInt16(20))  // version needed: 2.0
            local.appendLittleEndian(flags)
            local.appendLittleEndian(method)
            local.appendLittleEndian(dosTime)
            local.appendLittleEndian(dosDate)
            local.appendLittleEndian(crc)
            local.appendLittleEndian(UInt32(storedSize))
            local.appendLittleEndian(UInt32(rawSize))
            local.appendLittleEndian(UInt16(name.count))
            local.appendLittleEndian(UInt16(0))  // no extra field
            local += name
            try file.write(local)
            if method == 8 {
                try FileChunks.forEach(path: scratch) { try file.write($0) }
            } else if let source = entry.source {
                var copied = 0
                var again: UInt32 = 0
                try FileChunks.forEach(path: source.path) { chunk in
                    again = CRC32.update(again, chunk)
                    copied += chunk.count
                    try file.write(chunk)
                }
                guard copied == rawSize, again == crc else {
                    throw ShipdeckError(.io, "\(source.path) changed while it was archived", hint: "run the release again")
                }
            }

            let unixMode = UInt32(entry.mode) | (entry.isDirectory ? 0o040000 : 0o100000)
            central.appendLittleEndian(UInt32(0x0201_4b50))
            central.appendLittleEndian(UInt16(3 << 8 | 20))  // made by: Unix, 2.0
            central.appendLittleEndian(UInt16(20))
            central.appendLittleEndian(flags)
            central.appendLittleEndian(method)
            central.appendLittleEndian(dosTime)
            central.appendLittleEndian(dosDate)
            central.appendLittleEndian(crc)
            central.appendLittleEndian(UInt32(storedSize))
            central.appendLittleEndian(UInt32(rawSize))
            central.appendLittleEndian(UInt16(name.count))
            central.appendLittleEndian(UInt16(0))  // extra
            central.appendLittleEndian(UInt16(0))  // comment
            central.appendLittleEndian(UInt16(0))  // disk
            central.appendLittleEndian(UInt16(0))  // internal attributes
            central.appendLittleEndian(unixMode << 16 | (entry.isDirectory ? 0x10 : 0))
            central.appendLittleEndian(offset)
            central += name
            offset += UInt32(local.count + storedSize)
        }
        guard entries.count < Int(UInt16.max) else {
            throw ShipdeckError(.io, "too many files for a zip without zip64")
        }
        var end: [UInt8] = []
        end.appendLittleEndian(UInt32(0x0605_4b50))
        end.appendLittleEndian(UInt16(0))
        end.appendLittleEndian(UInt16(0))
        end.appendLittleEndian(UInt16(entries.count))
        end.appendLittleEndian(UInt16(entries.count))
        end.appendLittleEndian(UInt32(central.count))
        end.appendLittleEndian(offset)
        end.appendLittleEndian(UInt16(0))  // comment length
        try file.write(central)
        try file.write(end)
        return try file.finish()
    }

    /// MS-DOS time and date of a Unix time, in UTC, clamped to 1980-01-01 00:00:00 … 2107-12-31.
    static func dosDateTime(_ epoch: Int64) -> (time: UInt16, date: UInt16) {
        let minimum: Int64 = 315_532_800  // 1980-01-01T00:00:00Z
        var seconds = time_t(max(epoch, minimum))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = min(max(Int(parts.tm_year) + 1900, 1980), 2107)
        let time = UInt16(parts.tm_hour) << 11 | UInt16(parts.tm_min) << 5 | UInt16(parts.tm_sec / 2)
        let date = UInt16(year - 1980) << 9 | UInt16(parts.tm_mon + 1) << 5 | UInt16(parts.tm_mday)
        return (time, date)
    }
}
