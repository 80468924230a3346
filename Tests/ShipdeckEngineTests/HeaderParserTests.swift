import Foundation
import Testing

@testable import ShipdeckEngine

/// ExecutableHeader on hand-made headers: one test per format and the ways a file can be wrong.
@Suite struct HeaderParserTests {
    /// A minimal ELF64 little-endian header with `phnum` program headers of `types`.
    func elf64(machine: UInt16, programTypes: [UInt32]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 64 + 56 * programTypes.count)
        bytes[0...3] = [0x7f, 0x45, 0x4c, 0x46]
        bytes[4] = 2  // 64-bit
        bytes[5] = 1  // little endian
        bytes[18] = UInt8(machine & 0xff)
        bytes[19] = UInt8(machine >> 8)
        bytes[32] = 64  // e_phoff
        bytes[54] = 56  // e_phentsize
        bytes[56] = UInt8(programTypes.count)
        for (index, type) in programTypes.enumerated() {
            let at = 64 + 56 * index
            for shift in 0..<4 { bytes[at + shift] = UInt8(truncatingIfNeeded: type >> (8 * UInt32(shift))) }
        }
        return bytes
    }

    @Test func elfMachineAndStaticLinking() throws {
        let staticArm64 = try ExecutableHeader.parse(elf64(machine: 0xb7, programTypes: [1, 1]))
        #expect(staticArm64 == ExecutableHeader(format: .elf, goarch: "arm64", isStatic: true))
        let dynamicAmd64 = try ExecutableHeader.parse(elf64(machine: 0x3e, programTypes: [6, 3, 1]))
        #expect(dynamicAmd64 == ExecutableHeader(format: .elf, goarch: "amd64", isStatic: false))
        #expect(dynamicAmd64.matches(BuildTarget(goos: "linux", goarch: "amd64")))
        #expect(!dynamicAmd64.matches(BuildTarget(goos: "linux", goarch: "arm64")))
        #expect(!dynamicAmd64.matches(BuildTarget(goos: "windows", goarch: "amd64")))
    }

    @Test func peMachine() throws {
        var bytes = [UInt8](repeating: 0, count: 0x100)
        bytes[0] = 0x4d
        bytes[1] = 0x5a
        bytes[0x3c] = 0x80
        bytes[0x80...0x83] = [0x50, 0x45, 0, 0]
        bytes[0x84] = 0x64
        bytes[0x85] = 0xaa  // 0xaa64: arm64
        let header = try ExecutableHeader.parse(bytes)
        #expect(header == ExecutableHeader(format: .pe, goarch: "arm64", isStatic: nil))
        #expect(header.matches(BuildTarget(goos: "windows", goarch: "arm64")))
    }

    @Test func machOThinAndUniversal() throws {
        let thin: [UInt8] = [0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0x00, 0x00, 0x01] + [UInt8](repeating: 0, count: 24)
        #expect(try ExecutableHeader.parse(thin) == ExecutableHeader(format: .machO, goarch: "arm64", isStatic: nil))
        let fat: [UInt8] = [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2, 0x01, 0, 0, 0x07] + [UInt8](repeating: 0, count: 20)
        #expect(try ExecutableHeader.parse(fat).goarch == "amd64")
    }

    @Test func garbageAndTruncatedFilesAreErrors() {
        #expect(throws: ShipdeckError.self) { try ExecutableHeader.parse(Array("#!/bin/sh\necho hi\n".utf8)) }
        #expect(throws: ShipdeckError.self) { try ExecutableHeader.parse([0x7f, 0x45]) }
        #expect(throws: ShipdeckError.self) {
            try ExecutableHeader.parse([0x4d, 0x5a, 0, 0] + [UInt8](repeating: 0, count: 60))
        }
    }

    @Test func readsARealBinary() throws {
        // The test runner itself: an ELF for the host.
        let header = try ExecutableHeader.read(path: CommandLine.arguments[0])
        #expect(header.format == .elf)
        #if arch(x86_64)
            #expect(header.goarch == "amd64")
        #elseif arch(arm64)
            #expect(header.goarch == "arm64")
        #endif
    }
}
