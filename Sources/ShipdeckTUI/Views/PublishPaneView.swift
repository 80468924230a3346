import ShipdeckModel

/// The Publish pane: one row per unit (verify, the draft, each asset, publishing), each with a glyph
/// and a word — queued, uploading with % and rate, sent and waiting for the server's answer, done,
/// skipped, FAILED with the server's words — never colour alone. `selected` (an index into the units)
/// is the row `r` retries when the pane has the focus.
struct PublishPaneView {
    let context: RenderContext
    var focused = false
    var selected = 0

    func draw(in rect: Rect, on screen: Screen) {
        let g = context.glyphs, e = context.escape
        let publish = context.state.publish
        let units = publish.units
        let failed = publish.failed.count + units.filter { $0.result == .cancelled }.count
        let frame = PaneFrame(rect: rect, focused: focused, glyphs: g)
        let area = frame.content
        let selection = min(max(0, selected), max(0, units.count - 1))
        let first = MatrixGridView.firstVisible(selected: selection, visible: max(1, area.height), total: units.count)
        let more = PaneFrame.more(first: first, visible: area.height, total: units.count, glyphs: g)
        let count = failed > 0 && !context.readOnly
            ? "\(failed) to retry: r" : "\(units.filter { $0.result != nil }.count)/\(units.count)"
        frame.draw(on: screen, title: publish.dryRun ? "Publish (dry run)" : "Publish",
                   right: count + (more.isEmpty ? "" : "  " + more))
        guard area.height > 0 else { return }
        guard publish.started else {
            screen.put(" not publishing", row: area.row, column: area.column, width: area.width, style: Style(.dim))
            return
        }
        for (offset, unit) in units.enumerated().dropFirst(first).prefix(area.height) {
            let (glyph, word, role) = Self.describe(unit, now: context.now, glyphs: g)
            var line = " \(glyph) \(TextWidth.pad(word, to: 16)) \(e(unit.info.target)): \(e(unit.info.title))"
            if let detail = unit.detail {
                let words = detail.split(separator: "\n").map { e($0.trimmingCharacters(in: .whitespaces)) }
                line += "  " + words.joined(separator: " \(g.ellipsis) ")
            }
            screen.put(line, row: area.row + offset - first, column: area.column, width: area.width,
                       style: Style(role, selected: focused && offset == selection), ellipsis: g.ellipsis)
        }
    }

    /// The glyph, the word and the style of one unit's row.
    static func describe(_ unit: PublishState.Unit, now: Double, glyphs g: Glyphs) -> (String, String, StyleRole) {
        switch unit.result {
        case .done?: return (g.succeeded, "done", .succeeded)
        case .skipped?: return (g.succeeded, "skipped", .dim)
        case .failed?: return (g.failed, "FAILED", .failed)
        case .cancelled?: return (g.cancelled, "not run", .cancelled)
        case nil:
            guard unit.running else { return (g.queued, "queued", .queued) }
            guard let total = unit.info.bytes, total > 0 else { return (g.running, "running", .running) }
            // The count is of bytes handed to the connection: once all are, the server still has to
            // take them and answer, and that is what the row waits for, not a done 100%.
            guard unit.sent < total else { return (g.running, "sent, confirming", .running) }
            let percent = Int(Double(unit.sent) / Double(total) * 100)
            let rate = unit.rate(now: now).map { " \(Self.rate($0))" } ?? ""
            return (g.running, "\(percent)%\(rate)", .running)
        }
    }

    static func rate(_ bytesPerSecond: Double) -> String {
        if bytesPerSecond >= 1024 * 1024 { return String(format: "%.1fMiB/s", bytesPerSecond / 1024 / 1024) }
        return String(format: "%.0fKiB/s", bytesPerSecond / 1024)
    }
}
