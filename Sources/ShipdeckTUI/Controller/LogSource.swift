import Foundation
import ShipdeckModel

/// The log the log pane shows: the selected cell's current attempt or one of its earlier ones.
struct LogSource {
    var cell: String
    var tail: LogTail
    var attempt: Int
    var attempts: Int
    var status: CellStatus
    var error: String?

    /// `back` 0 is the current attempt, 1 the one before, and so on (clamped).
    init?(state: ReleaseState, cell id: String?, back: Int) {
        guard let id, let cell = state.cell(id) else { return nil }
        self.cell = id
        let earlier = cell.previousAttempts
        attempts = max(cell.attempt, earlier.count + 1)
        let back = min(max(0, back), earlier.count)
        if back == 0 {
            tail = cell.log
            attempt = cell.attempt
            status = cell.status
            error = cell.error
        } else {
            let summary = earlier[earlier.count - back]
            tail = summary.log
            attempt = summary.attempt
            status = summary.status
            error = summary.error
        }
    }

    /// Where the whole log of this attempt is on disk (memory keeps only the last lines).
    func fileURL(distDirectory: String?) -> URL? {
        guard let distDirectory else { return nil }
        return URL(fileURLWithPath: distDirectory).appendingPathComponent(DistPaths.logPath(cell: cell, attempt: attempt))
    }

    /// Number (0-based, from the start of the attempt) of the oldest line still in memory.
    var firstLine: Int { tail.totalLines - tail.count }
    var endLine: Int { tail.totalLines }

    /// Lines read back from the log file for a stretch before `firstLine` (set by the controller
    /// when the pane shows lines memory no longer holds).
    struct DiskWindow: Equatable {
        var start: Int
        var lines: [String]
    }

    var disk: DiskWindow?
    /// The log file is there to read the lines before `firstLine` from.
    var fileReadable = false

    /// The first line the pane can show: 0 when the file can be read, else the oldest in memory.
    var reachableFirst: Int { fileReadable ? 0 : firstLine }

    /// The raw line `number`, from memory or the disk window; nil when neither has it.
    func rawLine(_ number: Int) -> String? {
        let index = number - firstLine
        if index >= 0, index < tail.count { return tail[index] }
        if let disk, number >= disk.start, number < disk.start + disk.lines.count { return disk.lines[number - disk.start] }
        return nil
    }

    /// The line `number` as it is drawn: escaped, tabs expanded. Nil when it is not at hand.
    func displayLine(_ number: Int) -> String? {
        rawLine(number).map { TextWidth.expandTabs(UntrustedText.escape($0)) }
    }

    /// The first line shown in a pane of `height` lines.
    func top(height: Int, follow: Bool, requested: Int) -> Int {
        let last = max(reachableFirst, endLine - height)
        return follow ? last : min(max(requested, reachableFirst), last)
    }

    /// The next (or previous) line at or after (before) `from` that contains `query`, wrapping.
    func find(_ query: String, from: Int, forward: Bool) -> Int? {
        guard !query.isEmpty, tail.count > 0 else { return nil }
        let count = tail.count
        let start = min(max(from, firstLine), endLine - 1) - firstLine
        for step in 0..<count {
            let index = forward ? (start + step) % count : (start - step + count) % count
            if Self.matches(in: TextWidth.expandTabs(UntrustedText.escape(tail[index])), query: query).first != nil {
                return firstLine + index
            }
        }
        return nil
    }

    /// Ranges of `query` in `text`, case-insensitively.
    static func matches(in text: String, query: String) -> [Range<String.Index>] {
        guard !query.isEmpty else { return [] }
        var ranges: [Range<String.Index>] = []
        var searchStart = text.startIndex
        while searchStart < text.endIndex,
              let range = text.range(of: query, options: [.caseInsensitive], range: searchStart..<text.endIndex) {
            ranges.append(range)
            searchStart = range.upperBound > range.lowerBound ? range.upperBound : text.index(after: range.lowerBound)
        }
        return ranges
    }
}
