import ShipdeckModel

/// The top two lines: what is being released and how far it is, then the release-wide steps
/// and warnings.
struct HeaderView {
    let context: RenderContext

    func draw(in rect: Rect, on screen: Screen) {
        let state = context.state, g = context.glyphs
        screen.fill(row: rect.row, column: rect.column, width: rect.width, style: Style(.header))
        var right: [(String, Style)] = []
        if context.readOnly { right.append((" READ-ONLY ", Style(.badge))) }
        right.append((" \(outcomeWord()) ", Style(.badge)))
        let rightWidth = right.reduce(0) { $0 + TextWidth.of($1.0) + 1 }

        var left = " \(context.escape(context.title))"
        if let info = state.info {
            let e = context.escape
            left += "  \(e(info.project)) \(e(info.version))"
            if let commit = info.shortCommit { left += "  @\(e(commit))" }
            left += "  \(e(info.goVersion))"
            if let started = state.startedAt {
                left += "  \(DurationText.format(max(0, (state.finishedAt ?? context.now) - started)))"
            }
            let counts = countsText(long: true)
            let room = rect.width - rightWidth - TextWidth.of(left) - 3
            left += "  " + (TextWidth.of(counts) <= room ? counts : countsText(long: false))
        } else {
            left += "  waiting for the release to start\(g.ellipsis)"
        }
        screen.put(TextWidth.clip(left, to: max(0, rect.width - rightWidth - 1), ellipsis: g.ellipsis), row: rect.row,
                   column: rect.column, style: Style(.header))
        var column = rect.right - rightWidth
        for (text, style) in right {
            screen.put(text, row: rect.row, column: column, style: style)
            column += TextWidth.of(text) + 1
        }
        if rect.height > 1 { drawSteps(row: rect.row + 1, rect: rect, on: screen) }
    }

    func outcomeWord() -> String {
        let g = context.glyphs
        if context.view.quitting && !context.state.isFinished { return "\(g.cancelled) CANCELLING" }
        switch context.state.outcome {
        case .succeeded?: return "\(g.succeeded) SUCCEEDED"
        case .failed?: return "\(g.failed) FAILED"
        case .cancelled?: return "\(g.cancelled) CANCELLED"
        case .interrupted?: return "\(g.failed) INTERRUPTED"
        case nil: return context.state.info == nil ? "\(g.queued) STARTING" : "\(g.running) RUNNING"
        }
    }

    /// `✔ 3 ok  ✘ 1 failed  ▶ 1 running` (long) or `✔3 ✘1 ▶1 ·0 ⊘0` (short).
    func countsText(long: Bool) -> String {
        let state = context.state, g = context.glyphs
        let parts: [(CellStatus, String)] = [(.succeeded, "ok"), (.failed, "failed"), (.running, "running"),
                                             (.queued, "queued"), (.cancelled, "cancelled")]
        if long {
            return parts.compactMap { status, word -> String? in
                let n = state.count(status)
                return n == 0 && status != .succeeded ? nil : "\(g.status(status)) \(n) \(word)"
            }.joined(separator: "  ")
        }
        return parts.map { "\(g.status($0.0))\(state.count($0.0))" }.joined(separator: " ")
    }

    func drawSteps(row: Int, rect: Rect, on screen: Screen) {
        let state = context.state, g = context.glyphs
        var column = rect.column + 1
        func put(_ text: String, _ style: Style) {
            let room = rect.right - column
            guard room > 0 else { return }
            let shown = TextWidth.clip(text, to: room, ellipsis: g.ellipsis)
            screen.put(shown, row: row, column: column, style: style)
            column += TextWidth.of(shown)
        }
        put("steps: ", Style(.dim))
        let steps = ReleaseStep.allCases.compactMap { step in state.steps[step].map { (step, $0) } }
        if steps.isEmpty {
            put(state.info == nil ? "-" : "run when every cell is final", Style(.dim))
        }
        for (step, info) in steps {
            let role: StyleRole = info.running ? .running : info.result == .failed ? .failed
                : info.result == .succeeded ? .succeeded : info.result == .cancelled ? .cancelled : .queued
            put("\(g.step(info)) \(step.rawValue)", Style(role))
            put("  ", .normal)
        }
        if let last = state.warnings.last {
            put("  ", .normal)
            let count = state.warnings.count
            put("! \(count) warning\(count == 1 ? "" : "s"): \(context.escape(last))", Style(.warning))
        }
    }
}
