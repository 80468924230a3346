import ShipdeckModel

/// Artifacts with their sha256 (elided to fit; whole for the selected one while the pane has
/// the focus) and size.
struct HashesPaneView {
    let context: RenderContext

    func draw(in rect: Rect, on screen: Screen) {
        let artifacts = context.state.artifacts
        let focused = context.view.focus == .hashes
        let frame = PaneFrame(rect: rect, focused: focused, glyphs: context.glyphs)
        let area = frame.content
        guard area.height > 0, !artifacts.isEmpty else {
            frame.draw(on: screen, title: "Hashes")
            if area.height > 0 {
                screen.put(" (no artifacts yet)", row: area.row, column: area.column, width: area.width, style: Style(.dim))
            }
            return
        }
        let selection = min(max(0, context.view.hashesSelection), artifacts.count - 1)
        // The selected artifact's whole hash, wrapped, at the bottom while the pane has the focus.
        var detail: [String] = []
        if focused {
            let full = "sha256 " + artifacts[selection].sha256
            let width = max(1, area.width - 1)
            var rest = Substring(full)
            while !rest.isEmpty {
                detail.append(" " + String(rest.prefix(width)))
                rest = rest.dropFirst(width)
            }
            detail = Array(detail.prefix(max(0, area.height - 1)))
        }
        let rows = max(0, area.height - detail.count)
        let first = MatrixGridView.firstVisible(selected: selection, visible: max(1, rows), total: artifacts.count)
        let more = PaneFrame.more(first: first, visible: rows, total: artifacts.count, glyphs: context.glyphs)
        frame.draw(on: screen, title: "Hashes", right: "\(artifacts.count) files" + (more.isEmpty ? "" : "  " + more))
        let sizeWidth = 8
        let room = max(0, area.width - 1 - sizeWidth - 2)
        let nameMax = artifacts.map { TextWidth.of(context.escape($0.name)) }.max() ?? 0
        // Names first (they say what the file is), then as much of the hash as fits.
        let nameWidth = min(nameMax, max(0, room - 9))
        let shaWidth = min(64, room - nameWidth)
        for (offset, artifact) in artifacts.enumerated().dropFirst(first).prefix(rows) {
            let y = area.row + offset - first
            let name = Self.elideName(context.escape(artifact.name), to: nameWidth, ellipsis: context.glyphs.ellipsis)
            let line = " " + TextWidth.pad(name, to: nameWidth)
                + " " + TextWidth.pad(Self.elide(artifact.sha256, to: shaWidth, ellipsis: context.glyphs.ellipsis), to: shaWidth)
                + " " + TextWidth.padLeft(Self.size(artifact.size), to: sizeWidth)
            screen.put(line, row: y, column: area.column, width: area.width, style: Style(.normal, selected: focused && offset == selection))
        }
        for (i, line) in detail.enumerated() {
            screen.put(line, row: area.row + rows + i, column: area.column, width: area.width, style: Style(.dim))
        }
    }

    /// Rows of the list in a pane whose content is `area` (the focused pane keeps the last rows for
    /// the selected hash written whole).
    static func listRows(_ area: Rect, focused: Bool) -> Int {
        guard focused else { return area.height }
        let width = max(1, area.width - 1)
        let detail = min(max(0, area.height - 1), (71 + width - 1) / width)
        return max(0, area.height - detail)
    }

    /// `hello_1.…linux_arm64.tar.gz`: artifact names share their start (`<project>_<version>_`), so a
    /// name too long for its column keeps a little of its start and most of its end.
    static func elideName(_ name: String, to width: Int, ellipsis: String) -> String {
        guard TextWidth.of(name) > width else { return name }
        let room = width - TextWidth.of(ellipsis)
        guard room >= 4 else { return TextWidth.clip(name, to: width, ellipsis: ellipsis) }
        let front = TextWidth.clip(name, to: room / 3)
        let backWidth = room - TextWidth.of(front)
        let back = String(String(TextWidth.clip(String(name.reversed()), to: backWidth)).reversed())
        return front + ellipsis + back
    }

    /// `0123abcd…6789cdef`: the start and end of a hash in `width` columns.
    static func elide(_ hash: String, to width: Int, ellipsis: String) -> String {
        guard hash.count > width else { return hash }
        guard width > 2 else { return String(hash.prefix(width)) }
        let keep = width - TextWidth.of(ellipsis)
        let front = (keep + 1) / 2, back = keep - front
        return String(hash.prefix(front)) + ellipsis + String(hash.suffix(back))
    }

    /// `512 B`, `12.3 KiB`, `706 KiB`, `4.0 MiB`: at most 8 columns.
    static func size(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if value >= 99.95 { return "\(Int(value.rounded())) \(units[unit])" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
