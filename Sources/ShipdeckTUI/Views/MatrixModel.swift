import ShipdeckModel

/// The matrix grid's shape: GOOS rows by GOARCH (with variant) columns, in plan order.
struct MatrixModel: Equatable, Sendable {
    var rows: [String] = []
    var columns: [String] = []
    /// Cell ids by [row][column]; nil where the plan has no such pair.
    var ids: [[String?]] = []

    init(cells: [CellInfo]) {
        var columnIndex: [String: Int] = [:], rowIndex: [String: Int] = [:]
        for cell in cells {
            let column = Self.columnName(cell.target)
            if columnIndex[column] == nil {
                columnIndex[column] = columns.count
                columns.append(column)
            }
            if rowIndex[cell.target.goos] == nil {
                rowIndex[cell.target.goos] = rows.count
                rows.append(cell.target.goos)
            }
        }
        ids = Array(repeating: Array(repeating: nil, count: columns.count), count: rows.count)
        for cell in cells {
            ids[rowIndex[cell.target.goos]!][columnIndex[Self.columnName(cell.target)]!] = cell.id
        }
    }

    static func columnName(_ target: BuildTarget) -> String {
        target.variant.map { "\(target.goarch)/\($0)" } ?? target.goarch
    }

    func position(of id: String) -> (row: Int, column: Int)? {
        for (r, row) in ids.enumerated() {
            if let c = row.firstIndex(of: id) { return (r, c) }
        }
        return nil
    }

    var firstID: String? { ids.lazy.flatMap { $0 }.compactMap { $0 }.first }

    /// Plan order, row by row.
    var orderedIDs: [String] { ids.flatMap { $0.compactMap { $0 } } }

    /// The cell reached from `id` by moving `dRow` rows or `dColumn` columns, skipping holes.
    func move(from id: String, dRow: Int, dColumn: Int) -> String {
        guard let (r, c) = position(of: id) else { return id }
        if dColumn != 0 {
            var col = c + dColumn
            while col >= 0 && col < columns.count {
                if let next = ids[r][col] { return next }
                col += dColumn
            }
            return id
        }
        var row = r + dRow
        while row >= 0 && row < rows.count {
            // Same column if it exists there, else the nearest column in that row.
            if let next = ids[row][c] { return next }
            let candidates = ids[row].enumerated().compactMap { $0.element == nil ? nil : $0.offset }
            if let nearest = candidates.min(by: { abs($0 - c) < abs($1 - c) }), let next = ids[row][nearest] { return next }
            row += dRow
        }
        return id
    }
}
