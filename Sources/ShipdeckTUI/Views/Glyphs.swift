import ShipdeckModel

/// The symbols the dashboard draws. Status is always shown by a glyph and a word, never by
/// colour alone; the ASCII set is used when the locale is not UTF-8.
struct Glyphs: Sendable {
    var queued: String
    var running: String
    var succeeded: String
    var failed: String
    var cancelled: String
    var horizontal: String
    var vertical: String
    var ellipsis: String
    var times: String
    var arrows: String
    /// Running cells past their builds (archive, hash, sign).
    var postBuild = "▷"
    /// A step that did not run (nothing to do: no signer, no image).
    var skipped = "↷"
    /// A log line continues past the pane's right (left) edge; a wrapped line goes on.
    var cutRight = "›"
    var cutLeft = "‹"
    var wrapped = "↪"
    /// More rows above / below, more columns to the right.
    var moreUp = "↑"
    var moreDown = "↓"
    var moreRight = "→"
    var barFull = "█"
    var barEmpty = "░"

    static let unicode = Glyphs(queued: "·", running: "▶", succeeded: "✔", failed: "✘", cancelled: "⊘",
                                horizontal: "─", vertical: "│", ellipsis: "…", times: "×", arrows: "←↓↑→")
    static let ascii = Glyphs(queued: ".", running: ">", succeeded: "+", failed: "x", cancelled: "-",
                              horizontal: "-", vertical: "|", ellipsis: "~", times: "x", arrows: "arrows",
                              postBuild: ">>", skipped: "~>", cutRight: ">", cutLeft: "<", wrapped: "+", moreUp: "^",
                              moreDown: "v",
                              moreRight: ">", barFull: "#", barEmpty: "-")

    func status(_ status: CellStatus) -> String {
        switch status {
        case .queued: return queued
        case .running: return running
        case .succeeded: return succeeded
        case .failed: return failed
        case .cancelled: return cancelled
        }
    }

    func signature(_ state: SignatureRecord.State) -> String {
        switch state {
        case .pending: return queued
        case .signing: return running
        case .signed, .verified: return succeeded
        case .failed: return failed
        }
    }

    func step(_ step: StepState) -> String {
        if step.running { return running }
        switch step.result {
        case .succeeded?, .cached?: return succeeded
        case .failed?: return failed
        case .cancelled?: return cancelled
        case .skipped?: return skipped
        case nil: return queued
        }
    }
}

extension StyleRole {
    static func of(_ status: CellStatus) -> StyleRole {
        switch status {
        case .queued: return .queued
        case .running: return .running
        case .succeeded: return .succeeded
        case .failed: return .failed
        case .cancelled: return .cancelled
        }
    }
}
