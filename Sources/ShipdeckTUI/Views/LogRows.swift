/// How the log's lines become the pane's rows: cut at the pane's edge with a marker and scrolled
/// sideways, or wrapped.
struct LogRows {
    struct Row: Equatable {
        /// The log line (0-based number) this row shows part of.
        var line: Int
        /// What the row shows (already escaped), and the display column of the line it starts at.
        var text: String
        var startColumn: Int
        /// A wrapped line's second or later row.
        var continuation: Bool
        /// The line goes on past the left / right edge (not wrapped).
        var cutLeft: Bool
        var cutRight: Bool
    }

    var rows: [Row]
    /// The first line shown (the top row's line).
    var top: Int

    /// Rows for a pane `height` rows by `width` text columns. `line(n)` gives line n as drawn (nil
    /// when not at hand); `first..<end` is every line there is. Following shows the end; otherwise
    /// the rows start at line `requestedTop`. Unwrapped rows start `column` columns into their line.
    static func make(height: Int, width: Int, first: Int, end: Int, follow: Bool, requestedTop: Int, wrap: Bool,
                     column: Int, line: (Int) -> String?) -> LogRows {
        guard height > 0, width > 0, end > first else { return LogRows(rows: [], top: first) }
        if !wrap {
            let top = follow ? max(first, end - height) : min(max(requestedTop, first), max(first, end - height))
            var rows: [Row] = []
            for number in top..<min(end, top + height) {
                let text = line(number) ?? ""
                let total = TextWidth.of(text)
                let shown = slice(text, from: column, width: width)
                rows.append(Row(line: number, text: shown, startColumn: column, continuation: false,
                                cutLeft: column > 0 && total > 0, cutRight: total > column + width))
            }
            return LogRows(rows: rows, top: top)
        }
        func pieces(_ number: Int) -> [Row] {
            let text = line(number) ?? ""
            var out: [Row] = []
            var start = 0
            let total = TextWidth.of(text)
            repeat {
                out.append(Row(line: number, text: slice(text, from: start, width: width), startColumn: start,
                               continuation: start > 0, cutLeft: false, cutRight: false))
                start += width
            } while start < total
            return out
        }
        if follow {
            // From the end backwards until the pane is full; the top line may show only its end.
            var rows: [Row] = []
            var number = end - 1
            while number >= first, rows.count < height {
                rows.insert(contentsOf: pieces(number), at: 0)
                number -= 1
            }
            if rows.count > height { rows.removeFirst(rows.count - height) }
            return LogRows(rows: rows, top: rows.first?.line ?? first)
        }
        let top = min(max(requestedTop, first), end - 1)
        var rows: [Row] = []
        var number = top
        while number < end, rows.count < height {
            rows += pieces(number)
            number += 1
        }
        return LogRows(rows: Array(rows.prefix(height)), top: top)
    }

    /// The part of `text` from display column `from`, at most `width` columns (a wide character cut
    /// by the left edge is left out).
    static func slice(_ text: String, from: Int, width: Int) -> String {
        guard from > 0 else { return TextWidth.clip(text, to: width) }
        var column = 0
        var index = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        while index != scalars.endIndex, column < from {
            column += TextWidth.of(scalars[index])
            index = scalars.index(after: index)
        }
        // Combining marks of a character left of the edge stay with it.
        while index != scalars.endIndex, TextWidth.of(scalars[index]) == 0 { index = scalars.index(after: index) }
        return TextWidth.clip(String(scalars[index...]), to: width)
    }
}
