import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// RFC 3339 UTC timestamps (`2026-12-01T09:00:00Z`), the text `ISO8601DateFormatter` writes with its
/// default options, without it: the first use of that formatter loads ICU's calendar data, 10–15 ms
/// of every release's start-up (the lock holder, the template values' `.Date`, each cache entry).
package enum RFC3339 {
    /// Whole seconds since 1970, in UTC.
    package static func string(epoch: Int64) -> String {
        var seconds = time_t(epoch)
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "1970-01-01T00:00:00Z" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = Int(parts.tm_year) + 1900
        let yearText = year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(yearText)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// `date`, its fraction of a second dropped (as the formatter's default options do).
    package static func string(_ date: Date) -> String {
        string(epoch: Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}
