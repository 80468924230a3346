import Foundation

/// `dist/timeline.svg`: the release's timeline (`ReleaseTimeline`) as a picture CI users can open
/// without a terminal — one row of stage bars per cell, then the release-wide steps, on the
/// release's time axis, each bar with a tooltip of its name and duration.
///
/// It is Shipdeck's bookkeeping, like the journal and the logs: not an artifact, not in
/// checksums.txt, known to `verify` by name (`DistPaths.timelineFile`).
package enum TimelineSVG {
    static let width = 960.0
    static let rowHeight = 20.0
    static let labelWidth = 190.0
    static let durationWidth = 70.0

    static func color(_ bar: ReleaseTimeline.Bar) -> String {
        if bar.result == .failed { return "#d62728" }
        if bar.result == .cancelled { return "#7f7f7f" }
        if bar.earlier { return "#c7c7c7" }
        switch bar.name {
        case "build": return "#1f77b4"
        case "reproducibility": return "#17becf"
        case "smoke": return "#bcbd22"
        case "authenticode": return "#8c564b"
        case "archive": return "#ff7f0e"
        case "hash": return "#2ca02c"
        case "sign": return "#9467bd"
        default: return "#e377c2"
        }
    }

    /// Text from outside (cell ids, step names) made safe for XML: controls escaped visibly, then
    /// the five XML specials.
    static func xml(_ text: String) -> String {
        UntrustedText.escape(text).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&apos;")
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    package static func render(_ timeline: ReleaseTimeline, title: String) -> String {
        let chart = width - labelWidth - durationWidth
        let top = 44.0
        let height = top + Double(timeline.rows.count) * rowHeight + 40
        let scale = timeline.duration > 0 ? chart / timeline.duration : 0
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(number(width))" height="\(number(height))" \
            viewBox="0 0 \(number(width)) \(number(height))" font-family="monospace" font-size="12">
            <title>\(xml(title))</title>
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="8" y="18" font-size="14">\(xml(title)) — \(xml(DurationText.format(timeline.duration)))\
            \(timeline.slowestCell.map { ", ended last: " + xml($0) } ?? "")</text>

            """
        // The axis: a tick every fifth of the release.
        for i in 0...5 {
            let x = labelWidth + chart * Double(i) / 5
            out += "<line x1=\"\(number(x))\" y1=\"\(number(top - 6))\" x2=\"\(number(x))\" "
                + "y2=\"\(number(top + Double(timeline.rows.count) * rowHeight))\" stroke=\"#dddddd\"/>\n"
            out += "<text x=\"\(number(x))\" y=\"\(number(top - 10))\" text-anchor=\"middle\" fill=\"#555555\">"
                + "\(xml(DurationText.format(timeline.duration * Double(i) / 5)))</text>\n"
        }
        for (i, row) in timeline.rows.enumerated() {
            let y = top + Double(i) * rowHeight
            out += "<g class=\"\(row.isStep ? "step" : "cell")\">\n"
            out += "<text x=\"8\" y=\"\(number(y + 14))\">\(xml(row.label))</text>\n"
            for bar in row.bars {
                let x = labelWidth + bar.start * scale
                let w = max(1, (bar.end - bar.start) * scale)
                let state = bar.result?.rawValue ?? "running"
                out += "<rect x=\"\(number(x))\" y=\"\(number(y + 3))\" width=\"\(number(w))\" height=\"\(number(rowHeight - 6))\" "
                    + "fill=\"\(color(bar))\"><title>\(xml(row.label)) \(xml(bar.name))\(bar.earlier ? " (earlier attempt)" : ""): "
                    + "\(xml(DurationText.format(bar.end - bar.start))), \(state)</title></rect>\n"
            }
            let busy = row.bars.reduce(0.0) { $0 + max(0, $1.end - $1.start) }
            out += "<text x=\"\(number(width - 8))\" y=\"\(number(y + 14))\" text-anchor=\"end\" fill=\"#555555\">"
                + "\(xml(DurationText.format(busy)))</text>\n</g>\n"
        }
        let legendY = top + Double(timeline.rows.count) * rowHeight + 24
        var x = 8.0
        for name in ["build", "smoke", "archive", "hash", "sign", "steps", "failed", "earlier attempt"] {
            let sample = ReleaseTimeline.Bar(name: name == "steps" ? "checksums" : name, start: 0, end: 0,
                                             result: name == "failed" ? .failed : .succeeded, earlier: name == "earlier attempt")
            out += "<rect x=\"\(number(x))\" y=\"\(number(legendY - 10))\" width=\"12\" height=\"12\" fill=\"\(color(sample))\"/>"
            out += "<text x=\"\(number(x + 16))\" y=\"\(number(legendY))\">\(name)</text>\n"
            x += 16 + Double(name.count) * 7.5 + 14
        }
        out += "</svg>\n"
        return out
    }
}

/// Writes `dist/timeline.svg` each time the release finishes (again after a retry), from the state
/// the hub hands its observers. A write that fails is a warning on stderr, never a failed release.
package final class TimelineFileWriter: ReleaseObserver, Sendable {
    // No mutable state: every call comes on the hub's queue with the state it needs.
    let dist: URL

    package init(dist: URL) { self.dist = dist }

    package func release(didEmit record: EventRecord, state: ReleaseState) {
        guard case .releaseFinished = record.event, let info = state.info else { return }
        let timeline = ReleaseTimeline(state: state, now: record.time)
        let svg = TimelineSVG.render(timeline, title: "\(info.project) \(info.version)")
        let url = dist.appendingPathComponent(DistPaths.timelineFile)
        do {
            try Data(svg.utf8).write(to: url, options: .atomic)
        } catch {
            FileHandle.standardError.write(Data("shipdeck: warning: cannot write \(url.path): \(error.localizedDescription)\n".utf8))
        }
    }
}
