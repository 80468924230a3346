import Foundation
import ShipdeckModel

/// Everything one frame is drawn from: the release, the user's view of it, the clock.
struct RenderContext {
    var state: ReleaseState
    var view: DashboardViewState
    /// Seconds since 1970, for elapsed times.
    var now: Double
    var glyphs: Glyphs
    var readOnly: Bool
    var title: String
    var matrix: MatrixModel
    /// The log the log pane shows (with lines read back from disk when it is scrolled past memory).
    var logSource: LogSource?
    /// That attempt's whole log on disk.
    var logFileURL: URL?
    /// `watch`: the journal ended before the release did (see `WatchEnd`).
    var watchEnd: WatchEnd.Reason?

    init(state: ReleaseState, view: DashboardViewState, now: Double, glyphs: Glyphs, readOnly: Bool, title: String) {
        self.state = state
        self.view = view
        self.now = now
        self.glyphs = glyphs
        self.readOnly = readOnly
        self.title = title
        self.matrix = MatrixModel(cells: state.info?.cells ?? [])
        self.logSource = LogSource(state: state, cell: view.selectedCell, back: view.attemptBack)
        self.logFileURL = logSource?.fileURL(distDirectory: state.info?.distDirectory)
    }

    var selected: CellState? { view.selectedCell.flatMap(state.cell) }

    func escape(_ text: String) -> String { UntrustedText.escape(text) }
}
