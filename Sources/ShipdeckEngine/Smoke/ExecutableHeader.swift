import Foundation

/// What the first bytes of an executable say: its format and the CPU it is for.
///
/// Reads ELF (`e_machine`, class, endianness, and whether it has a `PT_INTERP`, i.e. is dynamically
/// linked), PE (`IMAGE_FILE_HEADER.Machine` after the `PE\0\0` signature) and Mach-O (thin, both
/// endiannesses, and fat/universal files).
package struct ExecutableHeader: Sendable, Equatable, CustomStringConvertible {
    package enum Format: String, Sendable { case elf = "ELF", pe = "PE", machO = "Mach-O" }

    package var format: Format
    /// The architecture as GOARCH spells it (`amd64`, `arm64`, `arm`, `386`, `riscv64` …), or
    /// `unknown(0x…)` for a machine number this parser does not map.
    package var goarch: String
    /// For ELF: true when there is no program interpreter (statically linked).
    package var isStatic: Bool?

    package var description: String {
        "\(format.rawValue) \(goarch)" + (isStatic.map { $0 ? " (static)" : " (dynamic)" } ?? "")
    }

    /// The goos a format belongs to, for checking a target.
    package func matches(_ target: BuildTarget) -> Bool {
        let formatOK: Bool
        switch target.goos {
        case "windows": formatOK = format == .pe
        case "darwin", "ios": formatOK = format == .machO
        default: formatOK = format == .elf
        }
        return formatOK && goarch == target.goarch
    }

    package static func read(path: String) throws -> ExecutableHeader {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ShipdeckError(.io, "cannot open \(path) to read its header")
        }
        defer { try? handle.close() }
        let data = handle.readData(ofLength: 64 * 1024)
        return try parse([UInt8](data), name: (path as NSString).lastPathComponent)
    }

    package static func parse(_ bytes: [UInt8], name: String = "file") throws -> ExecutableHeader {
        func fail(_ why: String) -> ShipdeckError {
            ShipdeckError(.verify, "\(name) is not a recognizable executable: \(why)")
        }
        guard bytes.count >= 4 else { throw fail("only \(bytes.count) bytes") }
        let reader = ByteReader(bytes: bytes)
        if bytes[0...3] == [0x7f, 0x45, 0x4c, 0x46] { return try elf(reader, fail) }
        if bytes[0] == 0x4d, bytes[1] == 0x5a { return try pe(reader, fail) }
        let magicBE = reader.u32(0, little: false)
        switch magicBE {
        case 0xfeedface, 0xfeedfacf: return try machO(reader, little: false, fail)
        case 0xcefaedfe, 0xcffaedfe: return try machO(reader, little: true, fail)
        case 0xcafebabe:
            // Universal binary: report the first slice's CPU.
            guard let count = reader.u32(4, little: false), count > 0, let cpu = reader.u32(8, little: false) else {
                throw fail("truncated universal Mach-O header")
            }
            _ = count
            return ExecutableHeader(format: .machO, goarch: machOArch(cpu), isStatic: nil)
        default:
            throw fail(String(format: "unknown magic %02x %02x %02x %02x", bytes[0], bytes[1], bytes[2], bytes[3]))
        }
    }

    static func elf(_ r: ByteReader, _ fail: (String) -> ShipdeckError) throws -> ExecutableHeader {
        guard r.bytes.count >= 52 else { throw fail("truncated ELF header") }
        let is64 = r.bytes[4] == 2
        let little = r.bytes[5] == 1
        guard let machine = r.u16(18, little: little) else { throw fail("truncated ELF header") }
        let flags = r.u32(is64 ? 48 : 36, little: little) ?? 0
        let arch: String
        switch machine {
        case 0x3e: arch = "amd64"
        case 0xb7: arch = "arm64"
        case 0x28: arch = "arm"
        case 0x03: arch = "386"
        case 0xf3: arch = "riscv64"
        case 0x15: arch = little ? "ppc64le" : "ppc64"
        case 0x16: arch = "s390x"
        case 0x102: arch = "loong64"
        case 0x08:
            // EF_MIPS_ABI2 / 64-bit class tells mips64 from mips.
            let base = is64 ? "mips64" : "mips"
            arch = little ? base + "le" : base
            _ = flags
        default: arch = String(format: "unknown(0x%x)", machine)
        }
        // Program headers: look for PT_INTERP (3), which only dynamically linked executables have.
        var isStatic: Bool?
        let phoff = is64 ? r.u64(32, little: little).map(Int.init) : r.u32(28, little: little).map(Int.init)
        let phentsize = r.u16(is64 ? 54 : 42, little: little).map(Int.init)
        let phnum = r.u16(is64 ? 56 : 44, little: little).map(Int.init)
        if let phoff, let phentsize, let phnum, phentsize > 0 {
            var interp = false
            var complete = true
            for index in 0..<phnum {
                guard let type = r.u32(phoff + index * phentsize, little: little) else { complete = false; break }
                if type == 3 { interp = true }
            }
            if complete || interp { isStatic = !interp }
        }
        return ExecutableHeader(format: .elf, goarch: arch, isStatic: isStatic)
    }

    static func pe(_ r: ByteReader, _ fail: (String) -> ShipdeckError) throws -> ExecutableHeader {
        guard let offset = r.u32(0x3c, little: true).map(Int.init), let signature = r.u32(offset, little: true) else {
            throw fail("truncated DOS header")
        }
        guard signature == 0x0000_4550 else { throw fail("MZ header without a PE signature") }
        guard let machine = r.u16(offset + 4, little: true) else { throw fail("truncated PE header") }
        let arch: String
        switch machine {
        case 0x8664: arch = "amd64"
        case 0xaa64: arch = "arm64"
        case 0x14c: arch = "386"
        case 0x1c0, 0x1c4: arch = "arm"
        default: arch = String(format: "unknown(0x%x)", machine)
        }
        return ExecutableHeader(format: .pe, goarch: arch, isStatic: nil)
    }

    static func machO(_ r: ByteReader, little: Bool, _ fail: (String) -> ShipdeckError) throws -> ExecutableHeader {
        guard let cpu = r.u32(4, little: little) else { throw fail("truncated Mach-O header") }
        return ExecutableHeader(format: .machO, goarch: machOArch(cpu), isStatic: nil)
    }

    static func machOArch(_ cpu: UInt32) -> String {
        switch cpu {
        case 0x0100_0007: return "amd64"
        case 0x0100_000c: return "arm64"
        case 7: return "386"
        case 12: return "arm"
        default: return String(format: "unknown(0x%x)", cpu)
        }
    }

    struct ByteReader {
        let bytes: [UInt8]

        func u16(_ at: Int, little: Bool) -> UInt16? {
            guard at >= 0, at + 2 <= bytes.count else { return nil }
            let a = UInt16(bytes[at]), b = UInt16(bytes[at + 1])
            return little ? a | b << 8 : a << 8 | b
        }

        func u32(_ at: Int, little: Bool) -> UInt32? {
            guard let lo = u16(little ? at : at + 2, little: little), let hi = u16(little ? at + 2 : at, little: little)
            else { return nil }
            return UInt32(lo) | UInt32(hi) << 16
        }

        func u64(_ at: Int, little: Bool) -> UInt64? {
            guard let lo = u32(little ? at : at + 4, little: little), let hi = u32(little ? at + 4 : at, little: little)
            else { return nil }
            return UInt64(lo) | UInt64(hi) << 32
        }
    }
}
