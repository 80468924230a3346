import Foundation

/// A universal ("fat") Mach-O file: a big-endian `fat_header` and one `fat_arch` per slice, each slice
/// a complete thin Mach-O at an offset aligned to 2^14 (what arm64 needs; x86_64 needs 2^12), the same
/// layout `lipo -create` and GoReleaser write. Slices are copied byte for byte.
enum FatMachO {
    static let fatMagic: UInt32 = 0xcafe_babe
    static let thinMagic64: UInt32 = 0xfeed_facf
    static let alignBits: UInt32 = 14

    struct Slice {
        var name: String
        var data: Data
        var cpuType: UInt32
        var cpuSubtype: UInt32
    }

    /// Reads a thin 64-bit little-endian Mach-O (what Go writes for darwin/amd64 and darwin/arm64).
    static func slice(_ data: Data, name: String) throws -> Slice {
        let bytes = [UInt8](data.prefix(32))
        func word(_ offset: Int) -> UInt32 {
            var value: UInt32 = 0
            for i in (0..<4).reversed() { value = value << 8 | UInt32(bytes[offset + i]) }
            return value
        }
        guard data.count >= 32, word(0) == thinMagic64 else {
            throw ShipdeckError(.io, "\(name) is not a 64-bit Mach-O executable, so it cannot be a slice of a universal binary",
                                hint: "universal binaries join the darwin/amd64 and darwin/arm64 builds")
        }
        guard data.count <= Int(UInt32.max) else {
            throw ShipdeckError(.io, "\(name) is larger than 4 GiB, more than a fat Mach-O can hold")
        }
        return Slice(name: name, data: data, cpuType: word(4), cpuSubtype: word(8))
    }

    /// Writes the fat file for these slices (in this order) to `url`.
    static func write(_ slices: [Slice], to url: URL) throws {
        let align = 1 << Int(alignBits)
        var offsets: [Int] = []
        var offset = align
        for slice in slices {
            offsets.append(offset)
            offset = (offset + slice.data.count + align - 1) / align * align
        }
        guard let last = offsets.last, last + slices[slices.count - 1].data.count <= Int(UInt32.max) else {
            throw ShipdeckError(.io, "the universal binary would be larger than 4 GiB, more than a fat Mach-O can hold")
        }
        var out = Data()
        func put(_ value: UInt32) { withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) } }
        put(fatMagic)
        put(UInt32(slices.count))
        for (slice, offset) in zip(slices, offsets) {
            put(slice.cpuType)
            put(slice.cpuSubtype)
            put(UInt32(offset))
            put(UInt32(slice.data.count))
            put(alignBits)
        }
        for (slice, offset) in zip(slices, offsets) {
            out.append(Data(count: offset - out.count))
            out.append(slice.data)
        }
        do {
            try out.write(to: url)
        } catch {
            throw ShipdeckError(.io, "cannot write \(url.lastPathComponent): \(error.localizedDescription)")
        }
        chmod(url.path, 0o755)
    }
}
