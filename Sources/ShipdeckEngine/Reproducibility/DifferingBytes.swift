import Foundation

/// Reads the text around the first differing byte of two builds and says what it looks like.
///
/// Go stores `-X` strings as plain bytes, so a build time, a host name or a path that got into a
/// binary is readable there; a run of digits that decodes to a recent Unix time is named as an
/// embedded build timestamp.
struct DifferingBytes {
    let first: URL
    let second: URL
    let offset: Int
    /// Bytes read on each side of the offset.
    static let window = 48

    func explanation() -> [String] {
        guard let a = Self.printableRun(in: first, at: offset), let b = Self.printableRun(in: second, at: offset),
            !a.isEmpty || !b.isEmpty
        else {
            return []
        }
        var out = ["the bytes there read \"\(a)\" in the first build and \"\(b)\" in the second"]
        if let x = Self.digitRun(in: a), let y = Self.digitRun(in: b), x != y,
            let time = Self.unixTime(x), Self.unixTime(y) != nil
        {
            let formatter = ISO8601DateFormatter()
            out.append(
                "cause: the binary embeds its build time (\(x) is \(formatter.string(from: time))); "
                    + "a -X flag or generated code sets it from the clock; use SOURCE_DATE_EPOCH instead")
        }
        return out
    }

    /// The printable ASCII run around `offset`, at most `window` bytes each side.
    static func printableRun(in url: URL, at offset: Int) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        let start = max(0, offset - window)
        do {
            try handle.seek(toOffset: UInt64(start))
        } catch {
            return nil
        }
        guard let data = try? handle.read(upToCount: 2 * window + 1), !data.isEmpty else { return nil }
        let bytes = [UInt8](data)
        let center = offset - start
        guard center < bytes.count else { return "" }
        func printable(_ b: UInt8) -> Bool { b >= 0x20 && b < 0x7f }
        var lo = center, hi = center
        while lo > 0, printable(bytes[lo - 1]) { lo -= 1 }
        while hi < bytes.count, printable(bytes[hi]) { hi += 1 }
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }

    /// The longest run of digits in `text`.
    static func digitRun(in text: String) -> String? {
        text.split(whereSeparator: { !$0.isNumber }).map(String.init).max(by: { $0.count < $1.count })
    }

    /// A Unix time in seconds, milli-, micro- or nanoseconds within ten years of now.
    static func unixTime(_ digits: String) -> Date? {
        guard digits.count >= 9, digits.count <= 19, let value = Double(digits) else { return nil }
        let now = Date().timeIntervalSince1970
        for scale in [1.0, 1e3, 1e6, 1e9] {
            let seconds = value / scale
            if abs(seconds - now) < 10 * 365 * 86_400 { return Date(timeIntervalSince1970: seconds) }
        }
        return nil
    }
}
