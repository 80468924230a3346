import Foundation

/// The one folder that every entry of a zip archive sits in, read from its central directory;
/// nil when the entries are not all inside a single folder. Scoop needs it as `extract_dir`.
package enum ZipTopDirectory {
    package static func of(_ url: URL) throws -> String? {
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        func u16(_ at: Int) -> Int { Int(data[data.startIndex + at]) | Int(data[data.startIndex + at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        // End of central directory: signature 0x06054b50, at most 64 KiB of comment after it.
        var eocd = -1
        var at = data.count - 22
        while at >= max(0, data.count - 22 - 65535) {
            if u32(at) == 0x0605_4b50 { eocd = at; break }
            at -= 1
        }
        guard eocd >= 0 else {
            throw ShipdeckError(.dist, "\(url.lastPathComponent) is not a zip archive (no end of central directory)")
        }
        let count = u16(eocd + 10)
        var offset = u32(eocd + 16)
        var top: String?
        for _ in 0..<count {
            guard offset + 46 <= data.count, u32(offset) == 0x0201_4b50 else {
                throw ShipdeckError(.dist, "\(url.lastPathComponent): damaged zip central directory")
            }
            let nameLength = u16(offset + 28), extra = u16(offset + 30), comment = u16(offset + 32)
            guard offset + 46 + nameLength <= data.count else {
                throw ShipdeckError(.dist, "\(url.lastPathComponent): damaged zip central directory")
            }
            let start = data.startIndex + offset + 46
            let name = String(decoding: data[start..<start + nameLength], as: UTF8.self)
            guard let slash = name.firstIndex(of: "/"), slash != name.startIndex else { return nil }
            let first = String(name[..<slash])
            if let top, top != first { return nil }
            top = first
            offset += 46 + nameLength + extra + comment
        }
        return top
    }
}
