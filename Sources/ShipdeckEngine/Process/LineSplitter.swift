import CShipdeckPOSIX
import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Splits a byte stream into lines; a partial line waits for its newline.
struct LineSplitter {
    let maxLineBytes: Int
    private var pending: [UInt8] = []

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    mutating func push(_ bytes: UnsafeRawBufferPointer) -> [String] {
        var out: [String] = []
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            pending.append(contentsOf: bytes[start..<i])
            out.append(Self.decode(pending))
            pending.removeAll(keepingCapacity: true)
            start = i + 1
        }
        pending.append(contentsOf: bytes[start...])
        while pending.count > maxLineBytes {
            out.append(Self.decode(pending[..<maxLineBytes]))
            pending.removeFirst(maxLineBytes)
        }
        return out
    }

    mutating func finish() -> [String] {
        defer { pending = [] }
        return pending.isEmpty ? [] : [Self.decode(pending)]
    }

    private static func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var line = String(decoding: bytes, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }
}
