/// What the user has chosen to look at: focus, selection, scroll positions, search, overlays.
/// It belongs to the dashboard's owner thread; the release itself is in `ReleaseState`.
struct DashboardViewState: Sendable {
    enum Pane: Int, CaseIterable, Sendable {
        /// `publish` is there only while `release --publish` publishes (see DashboardLayout).
        case grid, log, hashes, signing, publish

        var title: String {
            switch self {
            case .grid: return "Matrix"
            case .log: return "Log"
            case .hashes: return "Hashes"
            case .signing: return "Signing"
            case .publish: return "Publish"
            }
        }
    }

    enum Overlay: Equatable, Sendable {
        case help
        case confirmQuit
        /// dist/CHANGELOG.md (`L`), escaped lines and the first one shown (Views/ChangelogOverlayView.swift).
        case changelog(lines: [String], top: Int)
    }

    /// Where the whole-file search stands, for the log pane's title and `n`/`N`.
    struct SearchProgress: Equatable, Sendable {
        /// The file is still being read.
        var running = false
        /// Matching lines in the whole file, and the one shown (0-based).
        var matchCount: Int?
        var matchIndex: Int?
        var linesSearched = 0
    }

    var focus: Pane = .grid
    /// The selected cell's id; nil until the plan is known.
    var selectedCell: String?
    /// Until the user moves, the selection jumps to the first failed cell.
    var userMoved = false

    /// Log: follow the end (true) or stay at `logTop`, the number of the first line shown
    /// (counted from the start of the attempt's log, 0-based).
    var follow = true
    var logTop = 0
    /// 0 shows the current attempt; 1 the attempt before it, and so on.
    var attemptBack = 0
    /// The confirmed search text, and the line of the current match.
    var search: String?
    var matchLine: Int?
    /// Text being typed after `/`; nil when not typing.
    var searchInput: String?

    var searchProgress = SearchProgress()

    /// Log: long lines wrap (`w`) or are cut with a marker and scroll sideways by `logColumn`.
    var wrap = false
    var logColumn = 0
    /// The focused pane fills the screen (`z`).
    var zoomed = false
    /// The timeline (`t`) replaces the panes; `timelineTop` is its first row shown.
    var timeline = false
    var timelineTop = 0

    var hashesSelection = 0
    var signingSelection = 0
    /// The Publish pane's selected unit (an index into `PublishState.units`): the one `r` retries.
    var publishSelection = 0
    /// Until the user moves in the Publish pane, its selection follows the running or failed unit.
    var publishUserMoved = false

    var overlay: Overlay?
    /// A one-line message in the footer, until `messageUntil` (seconds since 1970).
    var message: String?
    var messageUntil: Double = 0

    /// Quit was confirmed: cells were cancelled and the dashboard waits for the release to end.
    var quitting = false

    mutating func say(_ text: String, now: Double, seconds: Double = 4) {
        message = text
        messageUntil = now + seconds
    }
}
