import Foundation

extension UntrustedText {
    /// Makes JSON that `JSONEncoder` wrote safe to print on a terminal or to `cat` from a file,
    /// without changing what it decodes to.
    ///
    /// `JSONEncoder` escapes C0 controls (`\u001b`) but writes DEL, the C1 controls (U+0080–U+009F,
    /// where U+009B is a one-byte CSI on some terminals), the bidi controls (U+202A–U+202E,
    /// U+2066–U+2069, U+200E, U+200F, U+061C) and the line separators U+2028/U+2029 as raw
    /// UTF-8. This rewrites each of them as a `\uXXXX` escape. Those scalars can only occur inside
    /// JSON strings (everything structural is ASCII), and their UTF-8 lead bytes are never
    /// continuation bytes, so a byte scan is exact: the result is valid JSON that decodes to the
    /// same text. `--json` and the journal both write their lines through this one function.
    public static func escapingInvisibleControls(inJSON data: Data) -> Data {
        // Fast path: ASCII without DEL (nearly every line) needs nothing.
        guard data.withUnsafeBytes(hasDELOrNonASCII) else { return data }
        let bytes = [UInt8](data)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 32)
        var index = 0
        func escape(_ scalar: UInt32) {
            let hex = Array("0123456789abcdef".utf8)
            out += Array("\\u".utf8)
            for shift in [12, 8, 4, 0] { out.append(hex[Int((scalar >> UInt32(shift)) & 0xf)]) }
        }
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            let third = index + 2 < bytes.count ? bytes[index + 2] : 0
            switch byte {
            case 0x7f:
                escape(0x7f)
                index += 1
            case 0xc2 where (0x80...0x9f).contains(next):
                escape(UInt32(next))  // U+0080–U+009F are C2 80–C2 9F
                index += 2
            case 0xd8 where next == 0x9c:
                escape(0x061c)
                index += 2
            case 0xe2 where next == 0x80 && (third == 0x8e || third == 0x8f || (0xa8...0xae).contains(third)):
                escape(0x2000 + UInt32(third - 0x80))  // U+200E/F, U+2028/9, U+202A–E
                index += 3
            case 0xe2 where next == 0x81 && (0xa6...0xa9).contains(third):
                escape(0x2040 + UInt32(third - 0x80))  // U+2066–U+2069
                index += 3
            default:
                out.append(byte)
                index += 1
            }
        }
        return Data(out)
    }

    /// True when a byte is 0x7f or above; eight bytes at a time (journals carry megabytes of log lines).
    private static func hasDELOrNonASCII(_ buffer: UnsafeRawBufferPointer) -> Bool {
        let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        var index = 0
        while index + 8 <= buffer.count {
            let word = buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if word & high != 0 { return true }
            let del = word ^ 0x7f7f_7f7f_7f7f_7f7f  // a zero byte where the byte was 0x7f
            if (del &- ones) & ~del & high != 0 { return true }
            index += 8
        }
        while index < buffer.count {
            if buffer[index] >= 0x7f { return true }
            index += 1
        }
        return false
    }
}
