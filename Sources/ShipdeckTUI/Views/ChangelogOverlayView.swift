import Foundation
import ShipdeckModel

/// The `L` overlay: the release notes (dist/CHANGELOG.md, written by `changelog:`), escaped like all
/// untrusted text, scrolled with the arrow keys and PgUp/PgDn; any other key closes it.
struct ChangelogOverlayView {
    let context: RenderContext
    let lines: [String]
    let top: Int

    /// Lines shown at once (what `draw` leaves for text on a screen of `height` rows).
    static func pageHeight(screenHeight: Int) -> Int { max(1, screenHeight - 6) }

    /// The release's CHANGELOG.md as escaped lines; nil when the release wrote none (yet).
    static func load(distDirectory: String?) -> [String]? {
        guard let distDirectory else { return nil }
        let path = URL(fileURLWithPath: distDirectory).appendingPathComponent(DistPaths.changelog).path
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let data = handle.readData(ofLength: 1 << 20)  // release notes, not a log: 1 MiB is plenty
        var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n").map(UntrustedText.escape)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Where the overlay's first line is after `key`, or nil when the key closes it.
    static func scrolled(by key: DashboardKey, lines: Int, top: Int, page: Int) -> Int? {
        let last = max(0, lines - page)
        switch key {
        case .up, .character("k"): return max(0, top - 1)
        case .down, .character("j"): return min(last, top + 1)
        case .pageUp: return max(0, top - page)
        case .pageDown: return min(last, top + page)
        case .home, .character("g"): return 0
        case .end, .character("G"): return last
        case .resize: return top
        default: return nil
        }
    }

    func draw(on screen: Screen) {
        let page = Self.pageHeight(screenHeight: screen.height)
        var shown = Array(lines.dropFirst(top).prefix(page))
        if shown.isEmpty { shown = ["(no entries)"] }
        let position = lines.count > page ? "lines \(top + 1)–\(min(lines.count, top + page)) of \(lines.count); ↑↓ PgUp PgDn scroll, " : ""
        OverlayView(context: context).box(title: "Changelog", lines: shown + ["", position + "any other key closes"], on: screen)
    }
}
