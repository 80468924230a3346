/// Where the time of a release went: one row per cell (its stages, earlier attempts too) and one
/// per release-wide step, on the release's own time axis. The dashboard's `t` view, the text chart
/// of headless output and `dist/timeline.svg` are all drawn from this one value.
public struct ReleaseTimeline: Sendable, Equatable {
    public struct Bar: Sendable, Equatable {
        /// `build`, `archive` … or a step's name (`checksums`).
        public var name: String
        /// Seconds from the release's start.
        public var start: Double
        public var end: Double
        /// Nil while it runs.
        public var result: StageResult?
        /// An earlier attempt of the cell (a retry replaced it).
        public var earlier: Bool

        public init(name: String, start: Double, end: Double, result: StageResult?, earlier: Bool) {
            self.name = name
            self.start = start
            self.end = end
            self.result = result
            self.earlier = earlier
        }
    }

    public struct Row: Sendable, Equatable {
        public var label: String
        public var bars: [Bar]
        /// A release-wide step rather than a cell.
        public var isStep: Bool
        /// The cell's status (steps: nil).
        public var status: CellStatus?
        /// When the row's last bar ends, seconds from the release's start.
        public var end: Double { bars.map(\.end).max() ?? 0 }
    }

    /// The axis: 0 … `duration` seconds.
    public var duration: Double
    public var rows: [Row]
    /// The cell whose work ended last: the one that held the release up.
    public var slowestCell: String?

    public init(state: ReleaseState, now: Double) {
        let origin = state.startedAt ?? now
        let end = state.finishedAt ?? now
        func bar(_ name: String, _ start: Double, _ stop: Double?, _ result: StageResult?, earlier: Bool) -> Bar {
            Bar(name: name, start: max(0, start - origin), end: max(0, (stop ?? now) - origin), result: result,
                earlier: earlier)
        }
        var rows: [Row] = []
        for cell in state.cells {
            var bars: [Bar] = []
            for attempt in cell.previousAttempts {
                bars += attempt.spans.map { bar($0.stage.rawValue, $0.start, $0.end, $0.result, earlier: true) }
            }
            bars += cell.spans.map { bar($0.stage.rawValue, $0.start, $0.end, $0.result, earlier: false) }
            rows.append(Row(label: cell.id, bars: bars, isStep: false, status: cell.status))
        }
        var stepNames: [String] = []
        for run in state.stepRuns where !stepNames.contains(run.step.rawValue) { stepNames.append(run.step.rawValue) }
        for name in stepNames {
            let bars = state.stepRuns.filter { $0.step.rawValue == name }.map { bar(name, $0.start, $0.end, $0.result, earlier: false) }
            rows.append(Row(label: name, bars: bars, isStep: true, status: nil))
        }
        self.rows = rows
        duration = max(max(0, end - origin), rows.map(\.end).max() ?? 0)
        slowestCell = rows.filter { !$0.isStep && !$0.bars.isEmpty }.max { $0.end < $1.end }?.label
    }

    /// One letter per stage or step, so a chart reads without colour.
    public static func letter(_ name: String) -> Character {
        switch name {
        case "build": return "b"
        case "reproducibility": return "r"
        case "smoke": return "t"
        case "authenticode": return "A"
        case "archive": return "a"
        case "hash": return "h"
        case "sign": return "s"
        case "sbom": return "o"
        case "checksums": return "c"
        case "sign-checksums": return "S"
        case "manifest": return "m"
        case "provenance": return "p"
        case "images": return "i"
        case "universal": return "u"
        case "changelog": return "l"
        case "publish": return "P"
        default: return name.first.map { Character($0.lowercased()) } ?? "?"
        }
    }

    /// The bar each of `width` columns shows (the one covering most of its time slice; a bar
    /// shorter than a column still shows in the column it starts in), nil for idle columns.
    public func columns(_ row: Row, width: Int) -> [Bar?] {
        guard width > 0 else { return [] }
        var out: [Bar?] = Array(repeating: nil, count: width)
        guard duration > 0 else { return out }
        let step = duration / Double(width)
        var cover = Array(repeating: 0.0, count: width)
        for bar in row.bars {
            let first = max(0, min(width - 1, Int(bar.start / step)))
            let last = max(first, min(width - 1, Int((max(bar.end, bar.start) / step).rounded(.up)) - 1))
            for column in first...last {
                let sliceStart = Double(column) * step, sliceEnd = sliceStart + step
                let overlap = max(min(bar.end, sliceEnd) - max(bar.start, sliceStart), column == first ? 1e-9 : 0)
                if overlap > cover[column] {
                    cover[column] = overlap
                    out[column] = bar
                }
            }
        }
        return out
    }

    /// The character a chart draws for a bar: its letter, `x` when it failed, `.` for an earlier attempt.
    public static func character(_ bar: Bar) -> Character {
        bar.result == .failed ? "x" : bar.earlier ? "." : letter(bar.name)
    }

    /// The row as `width` characters.
    public func chartLine(_ row: Row, width: Int) -> String {
        String(columns(row, width: width).map { $0.map(Self.character) ?? " " })
    }

    /// The whole chart as text: a line per row (`label |bbbbaah   | 12.0s`) and a legend, for
    /// headless output and the notes.
    public func textChart(width: Int = 60) -> [String] {
        let labelWidth = min(24, rows.map(\.label.count).max() ?? 4)
        var lines: [String] = []
        let axis = "0s" + String(repeating: " ", count: max(1, width - 2 - DurationText.format(duration).count))
            + DurationText.format(duration)
        lines.append(String(repeating: " ", count: labelWidth) + "  " + axis)
        for row in rows {
            let label = UntrustedText.escape(row.label)
            let padded = label.count >= labelWidth ? String(label.prefix(labelWidth))
                : label + String(repeating: " ", count: labelWidth - label.count)
            let busy = row.bars.reduce(0.0) { $0 + max(0, $1.end - $1.start) }
            var suffix = " " + DurationText.format(busy)
            if row.label == slowestCell { suffix += "  (ended last)" }
            lines.append(padded + " |" + chartLine(row, width: width) + "|" + suffix)
        }
        lines.append("b build  a archive  h hash  s sign  o sbom  t smoke  r reproducibility  A authenticode  "
            + "c checksums  S sign-checksums  m manifest  p provenance  i images  u universal  l changelog  "
            + "x failed  . earlier attempt")
        return lines
    }
}
