import ShipdeckModel

/// `t`: every cell as a row of stage bars on the release's time axis, then the release-wide
/// steps, so a maintainer sees where the time went and which cell held the release up.
struct TimelineView {
    let context: RenderContext

    /// Rows of bars a view of `rect` shows (for scrolling).
    static func visibleRows(_ rect: Rect) -> Int { max(1, rect.height - 3) }

    func draw(in rect: Rect, on screen: Screen) {
        let g = context.glyphs
        let timeline = ReleaseTimeline(state: context.state, now: context.now)
        let frame = PaneFrame(rect: rect, focused: true, glyphs: g)
        let area = frame.content
        let visible = Self.visibleRows(rect)
        let first = min(max(0, context.view.timelineTop), max(0, timeline.rows.count - visible))
        var right = "0s-\(DurationText.format(timeline.duration))"
        if let slowest = timeline.slowestCell { right += ", ended last: \(context.escape(slowest))" }
        let more = PaneFrame.more(first: first, visible: visible, total: timeline.rows.count, glyphs: g)
        if !more.isEmpty { right += "  " + more }
        frame.draw(on: screen, title: "Timeline", right: right)
        guard area.height > 1 else { return }
        let labelWidth = min(max(8, area.width / 4), (timeline.rows.map { TextWidth.of(context.escape($0.label)) }.max() ?? 4) + 2)
        let timeWidth = 9
        let barWidth = max(1, area.width - labelWidth - timeWidth - 2)
        // The axis: 0 at the left, the release's length at the right, a tick in the middle.
        let end = DurationText.format(timeline.duration)
        let mid = DurationText.format(timeline.duration / 2)
        var axis = Array(repeating: Character(" "), count: barWidth)
        for (i, c) in "0s".enumerated() where i < barWidth { axis[i] = c }
        let midStart = barWidth / 2 - mid.count / 2
        if midStart > 3, midStart + mid.count < barWidth - end.count - 1 {
            for (i, c) in mid.enumerated() { axis[midStart + i] = c }
        }
        for (i, c) in end.enumerated() where barWidth - end.count + i >= 0 { axis[barWidth - end.count + i] = c }
        screen.put(String(axis), row: area.row, column: area.column + labelWidth + 1, style: Style(.dim))
        for (offset, row) in timeline.rows.enumerated().dropFirst(first).prefix(visible) {
            let y = area.row + 1 + offset - first
            let role: StyleRole = row.isStep ? .label : row.status.map(StyleRole.of) ?? .normal
            screen.put(" " + context.escape(row.label), row: y, column: area.column, width: labelWidth, style: Style(role),
                       ellipsis: g.ellipsis)
            screen.put(g.vertical, row: y, column: area.column + labelWidth, style: Style(.border))
            for (i, bar) in timeline.columns(row, width: barWidth).enumerated() {
                guard let bar else { continue }
                let style: StyleRole = bar.earlier ? .dim : bar.result == nil ? .running
                    : bar.result == .failed ? .failed : bar.result == .cancelled ? .cancelled : .succeeded
                screen.put(String(ReleaseTimeline.character(bar)), row: y, column: area.column + labelWidth + 1 + i,
                           style: Style(style, selected: true))
            }
            screen.put(g.vertical, row: y, column: area.column + labelWidth + 1 + barWidth, style: Style(.border))
            let busy = row.bars.reduce(0.0) { $0 + max(0, $1.end - $1.start) }
            screen.put(TextWidth.padLeft(DurationText.format(busy), to: timeWidth - 1),
                       row: y, column: area.column + labelWidth + 2 + barWidth, style: Style(.dim))
        }
        let legend = "t/Esc close  b build  a archive  h hash  s sign  o sbom  t smoke  r repro  c checksums  "
            + "S sign-checksums  m manifest  p provenance  i images  u universal  l changelog  x failed  . earlier"
        screen.put(" " + legend, row: area.row + area.height - 1, column: area.column, width: area.width,
                   style: Style(.dim), ellipsis: g.ellipsis)
    }
}
