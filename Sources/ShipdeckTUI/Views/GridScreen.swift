/// An in-memory screen: a grid of cells with the style each was drawn with. Tests render into it
/// and compare `text` (and `styles`) with golden files.
final class GridScreen: Screen {
    struct Cell: Equatable {
        /// The character drawn here, "" for the right half of a wide character.
        var text: String = " "
        var style: Style = .normal
    }

    let width: Int
    let height: Int
    private(set) var cells: [[Cell]]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        cells = Array(repeating: Array(repeating: Cell(), count: width), count: height)
    }

    func clear() {
        cells = Array(repeating: Array(repeating: Cell(), count: width), count: height)
    }

    func put(_ text: String, row: Int, column: Int, style: Style) {
        guard row >= 0, row < height else { return }
        var col = max(0, column)
        for scalar in text.unicodeScalars {
            let w = TextWidth.of(scalar)
            if w == 0 {
                if col > 0 { cells[row][col - 1].text.unicodeScalars.append(scalar) }
                continue
            }
            if col + w > width { break }
            // Overwriting half of a wide character blanks its other half, as a terminal does.
            if cells[row][col].text.isEmpty, col > 0 { cells[row][col - 1] = Cell(text: " ", style: cells[row][col - 1].style) }
            if col + w < width, cells[row][col + w].text.isEmpty {
                cells[row][col + w] = Cell(text: " ", style: cells[row][col + w].style)
            }
            cells[row][col] = Cell(text: String(scalar), style: style)
            if w == 2 { cells[row][col + 1] = Cell(text: "", style: style) }
            col += w
        }
    }

    /// One line of text per row, trailing spaces removed.
    var lines: [String] {
        cells.map { row in
            var line = row.map(\.text).joined()
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    var text: String { lines.joined(separator: "\n") }

    /// One code letter per column and row (see `StyleRole.code`); selected cells with the letter's
    /// case swapped, `#` for a selected non-letter code.
    var styles: String {
        cells.map { row in
            String(row.map { cell -> Character in
                let code = cell.style.role.code
                guard cell.style.selected else { return code }
                guard code.isLetter else { return "#" }
                return code.isUppercase ? Character(code.lowercased()) : Character(code.uppercased())
            })
        }.joined(separator: "\n")
    }

    /// The style at a position.
    func style(row: Int, column: Int) -> Style { cells[row][column].style }

    /// The text of one row (trailing spaces kept).
    func row(_ index: Int) -> String { cells[index].map(\.text).joined() }
}
