import Foundation

extension ExecutableHeader {
    /// The executable format a target's binaries have, where Shipdeck can read it.
    enum ExpectedFormat: Equatable {
        case known(Format)
        case wasm
        /// plan9 (a.out), aix (XCOFF): not checked.
        case unchecked
    }

    static func expectedFormat(for goos: String) -> ExpectedFormat {
        switch goos {
        case "windows": return .known(.pe)
        case "darwin", "ios": return .known(.machO)
        case "js", "wasip1": return .wasm
        case "plan9", "aix": return .unchecked
        default: return .known(.elf)  // linux, android, the BSDs, solaris, illumos
        }
    }

    /// Checks, right after `go build`, that the output is an executable of the target's format and
    /// CPU. A `main:` that is not a main package makes `go build -o` write a Go archive (`!<arch>`)
    /// that would otherwise be hashed, signed and released as a binary.
    static func checkBuilt(_ url: URL, target: BuildTarget) throws {
        let expected = expectedFormat(for: target.goos)
        guard expected != .unchecked else { return }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw ShipdeckError(.verify, "cannot read the built \(url.lastPathComponent)")
        }
        let bytes = [UInt8](handle.readData(ofLength: 64 * 1024))
        try? handle.close()
        let name = url.lastPathComponent
        if bytes.starts(with: Array("!<arch>\n".utf8)) {
            throw ShipdeckError(
                .verify,
                "go build wrote a Go library archive (!<arch>) as \(name), not an executable: main: is not a main package",
                hint: "set main: to the directory whose files say `package main`")
        }
        switch expected {
        case .wasm:
            guard bytes.starts(with: [0x00, 0x61, 0x73, 0x6d]) else {
                throw ShipdeckError(.verify, "\(name) is not a WebAssembly module, which \(target.pair) builds")
            }
        case .known(let format):
            let header: ExecutableHeader
            do {
                header = try parse(bytes, name: name)
            } catch let error as ShipdeckError {
                throw ShipdeckError(.verify, "\(error.message); \(target.pair) needs a \(format.rawValue) executable")
            }
            guard header.format == format else {
                throw ShipdeckError(
                    .verify,
                    "\(name) is a file of format \(header.format.rawValue), but \(target.pair) needs a \(format.rawValue) executable"
                )
            }
            if format == .elf, let type = elfType(bytes), type != 2, type != 3 {
                throw ShipdeckError(
                    .verify, "\(name) is an ELF file of type \(type), not an executable (ET_EXEC or ET_DYN)")
            }
            if !header.goarch.hasPrefix("unknown"), header.goarch != target.goarch,
                !(target.goarch == "ppc64" && header.goarch == "ppc64le")
            {
                throw ShipdeckError(
                    .verify, "\(name) is an executable for \(header.description), but the target is \(target.pair)")
            }
        case .unchecked:
            break
        }
    }

    /// `e_type` of an ELF header.
    static func elfType(_ bytes: [UInt8]) -> UInt16? {
        guard bytes.count >= 18 else { return nil }
        let little = bytes[5] == 1
        return little ? UInt16(bytes[16]) | UInt16(bytes[17]) << 8 : UInt16(bytes[16]) << 8 | UInt16(bytes[17])
    }
}
