import Foundation

/// Go's time layouts (`2006-01-02T15:04:05Z07:00`), for `.Now.Format`, `time "…"` and GoReleaser's
/// `.Date` (RFC 3339). Times are always UTC here, as GoReleaser's `.Now` and `.Date` are.
enum GoTimeFormat {
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    struct Parts {
        var year, month, day, hour, minute, second, weekday, yearDay: Int
    }

    static func parts(_ epoch: Int64) -> Parts {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: TimeInterval(epoch))
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let yearDay = calendar.ordinality(of: .day, in: .year, for: date) ?? 1
        return Parts(
            year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!,
            weekday: c.weekday! - 1, yearDay: yearDay)
    }

    /// The layout's reference elements, longest first where one is a prefix of another.
    static let elements = [
        "January", "Jan", "Monday", "Mon", "MST", "2006", "2", "_2", "__2", "002", "01", "02", "06", "1", "15", "03", "3",
        "04", "4", "05", "5", "PM", "pm", "-07:00:00", "-0700", "-07:00", "-07", "Z07:00:00", "Z0700", "Z07:00", "Z07",
        ".000000000", ".000000", ".000", ".999999999", ".999999", ".999", ",000", ",999",
    ].sorted { $0.count > $1.count }

    static func format(_ epoch: Int64, layout: String) -> String {
        let p = parts(epoch)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var out = ""
        var rest = Substring(layout)
        while !rest.isEmpty {
            guard let element = elements.first(where: { rest.hasPrefix($0) }) else {
                out.append(rest.removeFirst())
                continue
            }
            // Go reads "Jan"/"Mon" only when not followed by a lower-case letter ("Janet" is text).
            if ["Jan", "Mon"].contains(element), rest.count > 3,
                let next = rest.dropFirst(3).first, next.isLowercase
            {
                out.append(contentsOf: rest.prefix(3))
                rest = rest.dropFirst(3)
                continue
            }
            rest = rest.dropFirst(element.count)
            let hour12 = p.hour % 12 == 0 ? 12 : p.hour % 12
            switch element {
            case "January": out += months[p.month - 1]
            case "Jan": out += String(months[p.month - 1].prefix(3))
            case "Monday": out += weekdays[p.weekday]
            case "Mon": out += String(weekdays[p.weekday].prefix(3))
            case "MST": out += "UTC"
            case "2006": out += String(format: "%04d", p.year)
            case "06": out += two(p.year % 100)
            case "01": out += two(p.month)
            case "1": out += String(p.month)
            case "02": out += two(p.day)
            case "2": out += String(p.day)
            case "_2": out += p.day < 10 ? " \(p.day)" : String(p.day)
            case "__2": out += String(format: "%3d", p.yearDay)
            case "002": out += String(format: "%03d", p.yearDay)
            case "15": out += two(p.hour)
            case "03": out += two(hour12)
            case "3": out += String(hour12)
            case "04": out += two(p.minute)
            case "4": out += String(p.minute)
            case "05": out += two(p.second)
            case "5": out += String(p.second)
            case "PM": out += p.hour >= 12 ? "PM" : "AM"
            case "pm": out += p.hour >= 12 ? "pm" : "am"
            case "-07:00:00": out += "+00:00:00"
            case "-0700": out += "+0000"
            case "-07:00": out += "+00:00"
            case "-07": out += "+00"
            case "Z07:00:00", "Z0700", "Z07:00", "Z07": out += "Z"
            case ".000000000", ".000000", ".000", ",000": out += String(element.first!) + String(repeating: "0", count: element.count - 1)
            case ".999999999", ".999999", ".999", ",999": break  // whole seconds: no fraction
            default: out += element
            }
        }
        return out
    }

    /// RFC 3339 in UTC, GoReleaser's `.Date` and `.CommitDate`.
    static func rfc3339(_ epoch: Int64) -> String { format(epoch, layout: "2006-01-02T15:04:05Z07:00") }
}
