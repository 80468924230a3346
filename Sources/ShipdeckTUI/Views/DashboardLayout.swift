/// Where each pane goes for a given terminal size. Below the minimum size there is no layout,
/// and the renderer says so instead.
struct DashboardLayout: Equatable {
    static let minimumWidth = 60
    static let minimumHeight = 16
    /// At this width and over, the log pane and the hashes/signing panes sit side by side.
    static let wideWidth = 100

    var header: Rect
    var grid: Rect
    var log: Rect
    var hashes: Rect
    var signing: Rect
    /// The Publish pane, below the log, while a publish runs or has run; nil otherwise.
    var publish: Rect?
    var footer: Rect
    var wide: Bool

    /// The layout for a `width`×`height` terminal whose matrix has `gridRows` GOOS rows.
    /// `publishUnits`: the publish phase's units once it started (0: no Publish pane). The pane
    /// spans the whole width above the footer (at most a third of the height), so the server's
    /// words have room; the other panes keep the minimum size above it.
    static func compute(width: Int, height: Int, gridRows: Int, publishUnits: Int = 0) -> DashboardLayout? {
        var publishHeight = 0
        if publishUnits > 0 {
            publishHeight = min(publishUnits + 2, height / 3)
            if height - publishHeight < minimumHeight { publishHeight = height - minimumHeight }
            if publishHeight < 4 { publishHeight = 0 }
        }
        guard var layout = computePanes(width: width, height: height - publishHeight, gridRows: gridRows) else { return nil }
        if publishHeight > 0 {
            layout.publish = Rect(row: layout.footer.row, column: 0, width: width, height: publishHeight)
            layout.footer.row = height - 1
        }
        return layout
    }

    private static func computePanes(width: Int, height: Int, gridRows: Int) -> DashboardLayout? {
        guard width >= minimumWidth, height >= minimumHeight else { return nil }
        let header = Rect(row: 0, column: 0, width: width, height: 2)
        let footer = Rect(row: height - 1, column: 0, width: width, height: 1)
        let rest = height - header.height - footer.height
        let gridData = min(max(1, gridRows), max(1, rest / 3))
        let grid = Rect(row: header.bottom, column: 0, width: width, height: 2 + gridData)
        let remaining = rest - grid.height
        let top = grid.bottom
        if width >= wideWidth {
            let logWidth = width * 11 / 20
            let side = width - logWidth
            let hashesHeight = (remaining * 3 + 4) / 5
            return DashboardLayout(
                header: header, grid: grid,
                log: Rect(row: top, column: 0, width: logWidth, height: remaining),
                hashes: Rect(row: top, column: logWidth, width: side, height: hashesHeight),
                signing: Rect(row: top + hashesHeight, column: logWidth, width: side, height: remaining - hashesHeight),
                publish: nil, footer: footer, wide: true)
        }
        let bottom = min(8, max(4, remaining * 2 / 5))
        let logHeight = remaining - bottom
        let hashesWidth = width * 5 / 8
        return DashboardLayout(
            header: header, grid: grid,
            log: Rect(row: top, column: 0, width: width, height: logHeight),
            hashes: Rect(row: top + logHeight, column: 0, width: hashesWidth, height: bottom),
            signing: Rect(row: top + logHeight, column: hashesWidth, width: width - hashesWidth, height: bottom),
            publish: nil, footer: footer, wide: false)
    }

    /// Where `pane` is drawn.
    func rect(for pane: DashboardViewState.Pane) -> Rect {
        switch pane {
        case .grid: return grid
        case .log: return log
        case .hashes: return hashes
        case .signing: return signing
        case .publish: return publish ?? Rect(row: 0, column: 0, width: 0, height: 0)
        }
    }

    /// The area between the header and the footer: where a zoomed pane or the timeline goes.
    /// Whether `pane` is on screen in this layout (the Publish pane only while publishing).
    func shows(_ pane: DashboardViewState.Pane) -> Bool { pane != .publish || publish != nil }

    var middle: Rect { Rect(row: header.bottom, column: 0, width: footer.width, height: footer.row - header.bottom) }

    /// The pane under a screen position (nil on the header and footer).
    func pane(atRow row: Int, column: Int, zoomed: DashboardViewState.Pane?) -> DashboardViewState.Pane? {
        if let zoomed { return middle.contains(row: row, column: column) ? zoomed : nil }
        return DashboardViewState.Pane.allCases.first { rect(for: $0).contains(row: row, column: column) }
    }
}

extension Rect {
    func contains(row r: Int, column c: Int) -> Bool { r >= row && r < bottom && c >= column && c < right }
}
