import Foundation

/// Sizes as people write them: `2GiB`, `500MiB`, `1.5G`, `800M`, `1048576` (bytes).
/// K/M/G/T and KiB/MiB/GiB/TiB are both powers of 1024, as `du -h` shows them; `KB`/`MB`/`GB` are powers of 1000.
package enum ByteSize {
    /// The bytes `text` stands for; nil when it is not a positive size.
    package static func bytes(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, let value = Double(number), value > 0 else { return nil }
        let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces).lowercased()
        let factors: [String: Double] = [
            "": 1, "b": 1,
            "k": 0x1p10, "kib": 0x1p10, "m": 0x1p20, "mib": 0x1p20, "g": 0x1p30, "gib": 0x1p30,
            "t": 0x1p40, "tib": 0x1p40,
            "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
        ]
        guard let factor = factors[unit] else { return nil }
        let bytes = value * factor
        guard bytes >= 1, bytes < 9e18 else { return nil }
        return Int64(bytes)
    }

    /// `2.0 GiB`, `512 MiB`, `300 KiB`, `12 B`.
    package static func format(_ bytes: Int64) -> String {
        let units: [(String, Int64)] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        for (name, size) in units where bytes >= size {
            let value = Double(bytes) / Double(size)
            return value >= 10 || value == value.rounded() ? "\(Int(value.rounded())) \(name)" : String(format: "%.1f \(name)", value)
        }
        return "\(bytes) B"
    }

    /// The error for a value that is not a size, naming where it came from.
    package static func invalid(_ text: String, key: String) -> ShipdeckError {
        ShipdeckError(
            .config, "\(key): \(UntrustedText.escape(text)) is not a size",
            hint: "write a positive size such as 2GiB, 500MiB or 800M")
    }
}
