import Foundation

/// Short human durations: `0.4s`, `12.3s`, `2m05s`, `1h02m`.
public enum DurationText {
    public static func format(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let total = Int(seconds.rounded())
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }
}
