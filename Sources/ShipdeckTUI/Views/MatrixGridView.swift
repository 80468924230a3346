import ShipdeckModel

/// GOOS rows by GOARCH columns; each cell shows a glyph and a word for its status and stage,
/// and its time (still counting while it runs).
struct MatrixGridView {
    let context: RenderContext
    static let preferredCellWidth = 16
    static let minimumCellWidth = 11

    func draw(in rect: Rect, on screen: Screen) {
        let matrix = context.matrix
        let frame = PaneFrame(rect: rect, focused: context.view.focus == .grid, glyphs: context.glyphs)
        let area = frame.content
        let labelWidth = (matrix.rows.map { TextWidth.of(context.escape($0)) }.max() ?? 4) + 2
        let available = max(1, area.width - labelWidth)
        let columns = max(1, matrix.columns.count)
        let cellWidth = max(Self.minimumCellWidth, min(Self.preferredCellWidth, available / columns))
        let visibleColumns = max(1, min(matrix.columns.count, available / cellWidth))
        let visibleRows = max(1, area.height - 1)
        let position = context.view.selectedCell.flatMap(matrix.position(of:))
        let firstColumn = Self.firstVisible(selected: position?.column ?? 0, visible: visibleColumns, total: matrix.columns.count)
        let firstRow = Self.firstVisible(selected: position?.row ?? 0, visible: visibleRows, total: matrix.rows.count)

        var right = "\(context.state.cells.count) cells"
        if visibleColumns < matrix.columns.count {
            right = "columns \(firstColumn + 1)-\(firstColumn + visibleColumns) of \(matrix.columns.count)"
        }
        if visibleRows < matrix.rows.count {
            right += ", rows \(firstRow + 1)-\(min(matrix.rows.count, firstRow + visibleRows)) of \(matrix.rows.count)"
        }
        frame.draw(on: screen, title: "Matrix", right: right)
        guard area.height > 0 else { return }
        if matrix.rows.isEmpty {
            screen.put(" waiting for the plan\(context.glyphs.ellipsis)", row: area.row, column: area.column,
                       width: area.width, style: Style(.dim))
            return
        }
        // Column labels.
        for (i, column) in matrix.columns.enumerated().dropFirst(firstColumn).prefix(visibleColumns) {
            let x = area.column + labelWidth + (i - firstColumn) * cellWidth
            screen.put(" " + context.escape(column), row: area.row, column: x, width: cellWidth - 1, style: Style(.label),
                       ellipsis: context.glyphs.ellipsis)
        }
        for (r, rowName) in matrix.rows.enumerated().dropFirst(firstRow).prefix(visibleRows) {
            let y = area.row + 1 + r - firstRow
            screen.put(" " + context.escape(rowName), row: y, column: area.column, width: labelWidth, style: Style(.label))
            for c in firstColumn..<min(matrix.columns.count, firstColumn + visibleColumns) {
                let x = area.column + labelWidth + (c - firstColumn) * cellWidth
                guard let id = matrix.ids[r][c], let cell = context.state.cell(id) else {
                    screen.put(" -", row: y, column: x, width: cellWidth - 1, style: Style(.dim))
                    continue
                }
                let selected = id == context.view.selectedCell
                screen.put(" " + cellText(cell), row: y, column: x, width: cellWidth - 1,
                           style: Style(StyleRole.of(cell.status), selected: selected), ellipsis: context.glyphs.ellipsis)
            }
        }
    }

    /// `▶ build 3.2s`, `✔ ok 12.0s`, `✘ build failed`, `· queued`, `⊘ cancelled`.
    func cellText(_ cell: CellState) -> String {
        let g = context.glyphs
        let time = cell.elapsed(now: context.now).map { " " + DurationText.format(max(0, $0)) } ?? ""
        let retry = cell.attempt > 1 ? " #\(cell.attempt)" : ""
        switch cell.status {
        case .queued: return "\(g.queued) queued\(retry)"
        case .running: return "\(g.running) \(cell.stage?.rawValue ?? "start")\(time)"
        case .succeeded: return "\(g.succeeded) ok\(time)\(retry)"
        case .cancelled: return "\(g.cancelled) cancelled"
        case .failed:
            let stage = cell.stageResults.last { $0.1 == .failed }?.0
            return "\(g.failed) \(stage.map { "\($0.rawValue) " } ?? "")failed"
        }
    }

    /// The first of `visible` items to show so that `selected` is on screen.
    static func firstVisible(selected: Int, visible: Int, total: Int) -> Int {
        guard total > visible else { return 0 }
        return min(max(0, selected - visible + 1), total - visible)
    }
}
