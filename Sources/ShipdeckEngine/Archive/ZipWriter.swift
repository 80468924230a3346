import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Writes a zip archive deterministically: sorted entries, streamed deflate at the pinned level (in
/// pieces over the cores: ParallelDeflater), DOS time
/// from SOURCE_DATE_EPOCH in UTC (clamped to 1980-01-01, the format's first day), no extra fields
/// (so no extended timestamps) but zip64's where a size, offset or count needs it, Unix modes in the
/// external attributes.
enum ZipWriter {
    /// Where zip's 32- and 16-bit fields end. Sizes, offsets and counts that reach them are written as
    /// zip64 (APPNOTE 4.3.9, 4.5.3), as Go's archive/zip does; an archive below them keeps plain zip
    /// bytes. Tests pass smaller limits to write the zip64 records for small archives.
    struct Limits {
        var size: UInt64 = 0xFFFF_FFFF
        var count: Int = 0xFFFF
    }

    static func write(
        _ entries: [ArchiveEntry], mtime: Int64, to path: String, limits: Limits = Limits()
    ) throws -> (hex: String, size: Int64) {
        let file = try HashingFileWriter(path: path)
        let (dosTime, dosDate) = dosDateTime(mtime)
        var central: [UInt8] = []
        var offset: UInt64 = 0
        for entry in entries {
            let name = Array((entry.isDirectory ? entry.path + "/" : entry.path).utf8)
            guard name.count <= Int(UInt16.max) else {
                throw ShipdeckError(.config, "zip entry name too long: \(UntrustedText.escape(entry.path))")
            }
            // Deflated as a stream into a scratch file beside the archive, so a large binary never sits
            // in memory; stored instead when deflate does not help (empty files, directories).
            var crc: UInt32 = 0
            var rawSize: UInt64 = 0
            var method: UInt16 = 0
            var storedSize: UInt64 = 0
            let scratch = "\(path).entry"
            defer { unlink(scratch) }
            if let source = entry.source {
                let deflated = try HashingFileWriter(path: scratch)
                // Pieces deflated on idle cores (ParallelDeflater), written in order.
                let deflater = ParallelDeflater { try deflated.write($0) }
                try FileChunks.forEach(path: source.path) { chunk in
                    crc = CRC32.update(crc, chunk)
                    rawSize += UInt64(chunk.count)
                    try deflater.write(chunk)
                }
                try deflater.finish()
                // A scratch file, read back at once and deleted: not synced.
                let compressedSize = UInt64(try deflated.finish(sync: false).size)
                if rawSize > 0 && compressedSize < rawSize {
                    method = 8
                    storedSize = compressedSize
                } else {
                    storedSize = rawSize
                }
            }
            let flags: UInt16 = name.allSatisfy({ $0 < 0x80 }) ? 0 : 0x0800  // UTF-8 names
            // zip64 in the local header carries both sizes; the central one only what overflows.
            let largeSizes = rawSize >= limits.size || storedSize >= limits.size
            var localExtra: [UInt8] = []
            if largeSizes {
                localExtra.appendLittleEndian(UInt16(0x0001))
                localExtra.appendLittleEndian(UInt16(16))
                localExtra.appendLittleEndian(rawSize)
                localExtra.appendLittleEndian(storedSize)
            }
            var local: [UInt8] = []
            local.appendLittleEndian(UInt32(0x0403_4b50))
            local.appendLittleEndian(UInt16(largeSizes ? 45 : 20))  // version needed: 4.5 (zip64) or 2.0
            local.appendLittleEndian(flags)
            local.appendLittleEndian(method)
            local.appendLittleEndian(dosTime)
            local.appendLittleEndian(dosDate)
            local.appendLittleEndian(crc)
            local.appendLittleEndian(largeSizes ? UInt32.max : UInt32(storedSize))
            local.appendLittleEndian(largeSizes ? UInt32.max : UInt32(rawSize))
            local.appendLittleEndian(UInt16(name.count))
            local.appendLittleEndian(UInt16(localExtra.count))
            local += name
            local += localExtra
            try file.write(local)
            if method == 8 {
                try FileChunks.forEach(path: scratch) { try file.write($0) }
            } else if let source = entry.source {
                var copied: UInt64 = 0
                var again: UInt32 = 0
                try FileChunks.forEach(path: source.path) { chunk in
                    again = CRC32.update(again, chunk)
                    copied += UInt64(chunk.count)
                    try file.write(chunk)
                }
                guard copied == rawSize, again == crc else {
                    throw ShipdeckError(.io, "\(source.path) changed while it was archived", hint: "run the release again")
                }
            }

            var centralExtra: [UInt8] = []
            if rawSize >= limits.size { centralExtra.appendLittleEndian(rawSize) }
            if storedSize >= limits.size { centralExtra.appendLittleEndian(storedSize) }
            if offset >= limits.size { centralExtra.appendLittleEndian(offset) }
            if !centralExtra.isEmpty {
                centralExtra = [0x01, 0x00, UInt8(centralExtra.count), 0x00] + centralExtra
            }
            let version: UInt16 = centralExtra.isEmpty ? 20 : 45
            let unixMode = UInt32(entry.mode) | (entry.isDirectory ? 0o040000 : 0o100000)
            central.appendLittleEndian(UInt32(0x0201_4b50))
            central.appendLittleEndian(UInt16(3 << 8) | version)  // made by: Unix
            central.appendLittleEndian(version)
            central.appendLittleEndian(flags)
            central.appendLittleEndian(method)
            central.appendLittleEndian(dosTime)
            central.appendLittleEndian(dosDate)
            central.appendLittleEndian(crc)
            central.appendLittleEndian(storedSize >= limits.size ? UInt32.max : UInt32(storedSize))
            central.appendLittleEndian(rawSize >= limits.size ? UInt32.max : UInt32(rawSize))
            central.appendLittleEndian(UInt16(name.count))
            central.appendLittleEndian(UInt16(centralExtra.count))
            central.appendLittleEndian(UInt16(0))  // comment
            central.appendLittleEndian(UInt16(0))  // disk
            central.appendLittleEndian(UInt16(0))  // internal attributes
            central.appendLittleEndian(unixMode << 16 | (entry.isDirectory ? 0x10 : 0))
            central.appendLittleEndian(offset >= limits.size ? UInt32.max : UInt32(offset))
            central += name
            central += centralExtra
            offset += UInt64(local.count) + storedSize
        }
        var count = UInt64(entries.count), centralSize = UInt64(central.count), centralOffset = offset
        var end: [UInt8] = []
        if entries.count >= limits.count || centralSize >= limits.size || centralOffset >= limits.size {
            // zip64 end of central directory record, then its locator (APPNOTE 4.3.14, 4.3.15).
            end.appendLittleEndian(UInt32(0x0606_4b50))
            end.appendLittleEndian(UInt64(44))  // the record's size after this field
            end.appendLittleEndian(UInt16(3 << 8 | 45))
            end.appendLittleEndian(UInt16(45))
            end.appendLittleEndian(UInt32(0))  // this disk
            end.appendLittleEndian(UInt32(0))  // the disk with the central directory
            end.appendLittleEndian(count)
            end.appendLittleEndian(count)
            end.appendLittleEndian(centralSize)
            end.appendLittleEndian(centralOffset)
            end.appendLittleEndian(UInt32(0x0706_4b50))
            end.appendLittleEndian(UInt32(0))
            end.appendLittleEndian(centralOffset + centralSize)  // where the zip64 record starts
            end.appendLittleEndian(UInt32(1))  // disks
            count = 0xFFFF
            centralSize = 0xFFFF_FFFF
            centralOffset = 0xFFFF_FFFF
        }
        end.appendLittleEndian(UInt32(0x0605_4b50))
        end.appendLittleEndian(UInt16(0))
        end.appendLittleEndian(UInt16(0))
        end.appendLittleEndian(UInt16(count))
        end.appendLittleEndian(UInt16(count))
        end.appendLittleEndian(UInt32(centralSize))
        end.appendLittleEndian(UInt32(centralOffset))
        end.appendLittleEndian(UInt16(0))  // comment length
        try file.write(central)
        try file.write(end)
        return try file.finish()
    }

    /// MS-DOS time and date of a Unix time, in UTC, clamped to 1980-01-01 00:00:00 … 2107-12-31.
    static func dosDateTime(_ epoch: Int64) -> (time: UInt16, date: UInt16) {
        let minimum: Int64 = 315_532_800  // 1980-01-01T00:00:00Z
        let maximum: Int64 = 4_354_819_198  // 2107-12-31T23:59:58Z, the last time DOS can write
        var seconds = time_t(min(max(epoch, minimum), maximum))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        let time = UInt16(parts.tm_hour) << 11 | UInt16(parts.tm_min) << 5 | UInt16(parts.tm_sec / 2)
        let date = UInt16(year - 1980) << 9 | UInt16(parts.tm_mon + 1) << 5 | UInt16(parts.tm_mday)
        return (time, date)
    }
}
