import ShipdeckModel

/// The matrix grid's shape: GOOS rows by GOARCH (with variant) columns, in plan order.
///
/// A release can hold several cells of one target (a GoReleaser config with several builds:
/// `cosign:linux/amd64` and `sget:linux/amd64`). Then the rows are GOOS and build
/// (`linux cosign`, `linux sget`), so every cell has a place of its own; cells that would still share
/// one get further rows (`linux (2)`). No cell is ever hidden behind another.
struct MatrixModel: Equatable, Sendable {
    var rows: [String] = []
    var columns: [String] = []
    /// Cell ids by [row][column]; nil where the plan has no such pair.
    var ids: [[String?]] = []

    init(cells: [CellInfo]) {
        var columnIndex: [String: Int] = [:]
        for cell in cells where columnIndex[Self.columnName(cell.target)] == nil {
            columnIndex[Self.columnName(cell.target)] = columns.count
            columns.append(Self.columnName(cell.target))
        }
        let shared = Dictionary(grouping: cells) { "\($0.target.goos) \(Self.columnName($0.target))" }
            .values.contains { $0.count > 1 }
        func rowName(_ cell: CellInfo) -> String {
            // `build:goos/goarch` ids (GoReleaser) name their build; others have only the target.
            guard shared, let colon = cell.id.firstIndex(of: ":") else { return cell.target.goos }
            return "\(cell.target.goos) \(cell.id[..<colon])"
        }
        var rowIndex: [String: Int] = [:]
        for cell in cells {
            let column = columnIndex[Self.columnName(cell.target)]!
            var name = rowName(cell), copy = 1
            while let r = rowIndex[name], ids[r][column] != nil {
                copy += 1
                name = "\(rowName(cell)) (\(copy))"
            }
            if rowIndex[name] == nil {
                rowIndex[name] = rows.count
                rows.append(name)
                ids.append(Array(repeating: nil, count: columns.count))
            }
            ids[rowIndex[name]!][column] = cell.id
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
