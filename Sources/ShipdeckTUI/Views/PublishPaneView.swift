import ShipdeckModel

/// The Publish pane: one row per unit (verify, the draft, each asset, publishing), each with a glyph
/// and a word — queued, uploading with % and rate, done, skipped, FAILED with the server's words —
/// never colour alone. `selected` (an index into the units) is the row `r` retries.
struct PublishPaneView {
    let context: RenderContext
    var focused = false
    var selected: Int?
    var top = 0

    func draw(in rect: Rect, on screen: Screen) {
        let g = context.glyphs, e = context.escape
        let publish = context.state.publish
        let failed = publish.failed.count
        let frame = PaneFrame(rect: rect, focused: focused, glyphs: g)
        frame.draw(
            on: screen, title: publish.dryRun ? "Publish (dry run)" : "Publish",
            right: failed > 0 ? "\(failed) failed · r retries" : "\(publish.units.filter { $0.result != nil }.count)/\(publish.units.count)")
        let area = frame.content
        guard area.height > 0 else { return }
        guard publish.started else {
            screen.put(" not publishing", row: area.row, column: area.column, width: area.width, style: Style(.dim))
            return
        }
        let first = min(max(0, top), max(0, publish.units.count - area.height))
        for (offset, unit) in publish.units.enumerated().dropFirst(first).prefix(area.height) {
            let (glyph, word, role) = Self.describe(unit, now: context.now, glyphs: g)
            var line = " \(glyph) \(TextWidth.pad(word, to: 16)) \(e(unit.info.target)): \(e(unit.info.title))"
            if let detail = unit.detail, unit.result == .failed || unit.running {
                line += "  \(e(detail.split(separator: "\n").first.map(String.init) ?? ""))"
            }
            let row = area.row + offset - first
            screen.put(line, row: row, column: area.column, width: area.width, style: Style(role), ellipsis: g.ellipsis)
            if offset == selected, focused {
                screen.put(">", row: row, column: area.column, style: Style(.key))
            }
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
