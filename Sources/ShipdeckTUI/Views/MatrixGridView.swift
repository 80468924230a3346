import ShipdeckModel

/// GOOS rows by GOARCH columns; each cell shows a glyph and a word for its status and stage,
/// its time (still counting while it runs) and its attempt. Columns are as wide as what they
/// hold, so a duration is never cut; when they do not all fit, the grid scrolls sideways with
/// the selection and says how many columns and rows are out of sight.
struct MatrixGridView {
    let context: RenderContext
    static let minimumCellWidth = 11

    /// Where everything of the grid is in a pane of `rect` (also used to map clicks to cells).
    struct Geometry {
        var area: Rect
        var labelWidth: Int
        /// Left edge (screen column) and width of each visible column, from `firstColumn`.
        var columns: [(index: Int, x: Int, width: Int)]
        var firstRow: Int
        var visibleRows: Int

        /// The cell id at a screen position, if any.
        func cell(atRow row: Int, column: Int, matrix: MatrixModel) -> String? {
            let r = row - (area.row + 1) + firstRow
            guard row > area.row, r >= firstRow, r < min(matrix.rows.count, firstRow + visibleRows) else { return nil }
            guard let c = columns.first(where: { column >= $0.x && column < $0.x + $0.width })?.index else { return nil }
            return matrix.ids[r][c]
        }
    }

    func geometry(in rect: Rect) -> Geometry {
        let matrix = context.matrix
        let area = PaneFrame(rect: rect, focused: false, glyphs: context.glyphs).content
        let labelWidth = (matrix.rows.map { TextWidth.of(context.escape($0)) }.max() ?? 4) + 2
        let available = max(1, area.width - labelWidth)
        // Each column as wide as its widest content (cell text or label) plus a gap.
        let widths = matrix.columns.indices.map { c -> Int in
            var width = TextWidth.of(" " + context.escape(matrix.columns[c]))
            for r in matrix.rows.indices {
                if let id = matrix.ids[r][c], let cell = context.state.cell(id) {
                    width = max(width, TextWidth.of(" " + cellText(cell)))
                }
            }
            return max(Self.minimumCellWidth, width + 1)
        }
        let position = context.view.selectedCell.flatMap(matrix.position(of:))
        let selectedColumn = position?.column ?? 0
        // The first column such that the selected one fits, as far left as possible.
        var first = 0
        func fits(from start: Int, through end: Int) -> Bool {
            widths[start...end].reduce(0, +) <= available
        }
        if !widths.isEmpty {
            while first < selectedColumn, !fits(from: first, through: selectedColumn) { first += 1 }
        }
        var columns: [(Int, Int, Int)] = []
        var x = area.column + labelWidth
        for c in widths.indices.dropFirst(first) {
            let w = widths[c]
            if x + w > area.column + area.width {
                // A single column wider than the pane still shows, cut.
                if columns.isEmpty { columns.append((c, x, area.column + area.width - x)) }
                break
            }
            columns.append((c, x, w))
            x += w
        }
        let visibleRows = max(1, area.height - 1)
        let firstRow = Self.firstVisible(selected: position?.row ?? 0, visible: visibleRows, total: matrix.rows.count)
        return Geometry(area: area, labelWidth: labelWidth, columns: columns.map { (index: $0.0, x: $0.1, width: $0.2) },
                        firstRow: firstRow, visibleRows: visibleRows)
    }

    func draw(in rect: Rect, on screen: Screen) {
        let matrix = context.matrix, g = context.glyphs
        let frame = PaneFrame(rect: rect, focused: context.view.focus == .grid, glyphs: g)
        let geometry = geometry(in: rect)
        let area = geometry.area
        var right: [String] = ["\(context.state.cells.count) cells"]
        if let firstShown = geometry.columns.first?.index, let lastShown = geometry.columns.last?.index,
           geometry.columns.count < matrix.columns.count {
            var text = "columns \(firstShown + 1)-\(lastShown + 1) of \(matrix.columns.count)"
            if lastShown + 1 < matrix.columns.count { text += " \(g.moreRight) \(matrix.columns.count - lastShown - 1) more" }
            right.append(text)
        }
        if geometry.visibleRows < matrix.rows.count {
            right.append(PaneFrame.more(first: geometry.firstRow, visible: geometry.visibleRows, total: matrix.rows.count,
                                        glyphs: g) + " rows")
        }
        frame.draw(on: screen, title: "Matrix", right: right.joined(separator: ", "))
        guard area.height > 0 else { return }
        if matrix.rows.isEmpty {
            screen.put(" waiting for the plan\(g.ellipsis)", row: area.row, column: area.column,
                       width: area.width, style: Style(.dim))
            return
        }
        for column in geometry.columns {
            screen.put(" " + context.escape(matrix.columns[column.index]), row: area.row, column: column.x,
                       width: column.width - 1, style: Style(.label), ellipsis: g.ellipsis)
        }
        for r in matrix.rows.indices.dropFirst(geometry.firstRow).prefix(geometry.visibleRows) {
            let y = area.row + 1 + r - geometry.firstRow
            screen.put(" " + context.escape(matrix.rows[r]), row: y, column: area.column, width: geometry.labelWidth,
                       style: Style(.label))
            for column in geometry.columns {
                guard let id = matrix.ids[r][column.index], let cell = context.state.cell(id) else {
                    screen.put(" -", row: y, column: column.x, width: column.width - 1, style: Style(.dim))
                    continue
                }
                let selected = id == context.view.selectedCell
                screen.put(" " + cellText(cell), row: y, column: column.x, width: column.width - 1,
                           style: Style(StyleRole.of(cell.status), selected: selected), ellipsis: g.ellipsis)
            }
        }
    }

    /// `▶ build 3.2s`, `✔ ok 12.0s`, `✘ build failed 3.1s #2`, `· queued`, `⊘ cancelled 1.0s`; a cell whose
    /// binary came from the artifact cache: `▶ archive cached 0.3s`, `✔ cached 0.4s`.
    func cellText(_ cell: CellState) -> String {
        let g = context.glyphs
        let time = cell.elapsed(now: context.now).map { " " + DurationText.format(max(0, $0)) } ?? ""
        let retry = cell.attempt > 1 ? " #\(cell.attempt)" : ""
        switch cell.status {
        case .queued: return "\(g.queued) queued\(retry)"
        case .running:
            let cached = cell.result(of: .build) == .cached && cell.stage != .build ? " cached" : ""
            return "\(g.running) \(cell.stage?.rawValue ?? "start")\(cached)\(time)\(retry)"
        case .succeeded: return "\(g.succeeded) \(cell.result(of: .build) == .cached ? "cached" : "ok")\(time)\(retry)"
        case .cancelled: return "\(g.cancelled) cancelled\(time)\(retry)"
        case .failed:
            let stage = cell.stageResults.last { $0.1 == .failed }?.0
            return "\(g.failed) \(stage.map { "\($0.rawValue) " } ?? "")failed\(time)\(retry)"
        }
    }

    /// The first of `visible` items to show so that `selected` is on screen.
    static func firstVisible(selected: Int, visible: Int, total: Int) -> Int {
        guard total > visible else { return 0 }
        return min(max(0, selected - visible + 1), total - visible)
    }
}
