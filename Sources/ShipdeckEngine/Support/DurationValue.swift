import Foundation

/// Durations as people write them for timeouts: `90`, `90s`, `5m`, `1h30m`, `1.5h`, `500ms`
/// (Go's `time.ParseDuration` units, a bare number meaning seconds).
package enum DurationValue {
    /// The seconds `text` stands for; nil when it is not a positive duration.
    package static func seconds(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let plain = Double(trimmed) { return plain > 0 && plain.isFinite ? plain : nil }
        let units: [(String, Double)] = [("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1)]
        var rest = Substring(trimmed)
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, factor) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * factor
        }
        return total > 0 && total.isFinite ? total : nil
    }

    /// The error for a value that is not a duration, naming where it came from.
    package static func invalid(_ text: String, key: String) -> ShipdeckError {
        ShipdeckError(
            .config, "\(key): \(UntrustedText.escape(text)) is not a duration",
            hint: "write a positive duration such as 90s, 5m or 1h30m (a bare number is seconds)")
    }
}
