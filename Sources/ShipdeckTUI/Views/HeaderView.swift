import ShipdeckModel

/// The top two lines: what is being released and how far it is, then the release-wide steps
/// and warnings. When the line is too narrow, the least important fields go first (Go version,
/// commit, title, the bar, the estimate, the elapsed time …); the counts and the status go last.
struct HeaderView {
    let context: RenderContext

    /// A piece of the first line, in its forms from longest to shortest. Each form has the
    /// priority at which it gives way (to the next form, or to nothing after the last): when the
    /// line is too long, the form with the lowest priority gives way first.
    struct Field {
        var forms: [(text: String, priority: Int)]
    }

    func draw(in rect: Rect, on screen: Screen) {
        let g = context.glyphs
        screen.fill(row: rect.row, column: rect.column, width: rect.width, style: Style(.header))
        var right: [(String, Style)] = []
        if context.readOnly { right.append((" READ-ONLY ", Style(.badge))) }
        right.append((" \(outcomeWord()) ", Style(.badge)))
        let rightWidth = right.reduce(0) { $0 + TextWidth.of($1.0) + 1 }

        let fields = self.fields()
        let left = Self.fit(fields, width: max(0, rect.width - rightWidth - 1))
        screen.put(TextWidth.clip(left, to: max(0, rect.width - rightWidth - 1), ellipsis: g.ellipsis), row: rect.row,
                   column: rect.column, style: Style(.header))
        var column = rect.right - rightWidth
        for (text, style) in right {
            screen.put(text, row: rect.row, column: column, style: style)
            column += TextWidth.of(text) + 1
        }
        if rect.height > 1 { drawSteps(row: rect.row + 1, rect: rect, on: screen) }
    }

    func fields() -> [Field] {
        let state = context.state, e = context.escape, g = context.glyphs
        var fields = [Field(forms: [(" \(e(context.title))", 3)])]
        guard let info = state.info else {
            fields.append(Field(forms: [("  waiting for the release to start\(g.ellipsis)", 9), ("  starting\(g.ellipsis)", 100)]))
            return fields
        }
        fields.append(Field(forms: [("  \(e(info.project)) \(e(info.version))", 8)]))
        if let commit = info.shortCommit { fields.append(Field(forms: [("  @\(e(commit))", 2)])) }
        fields.append(Field(forms: [("  \(e(info.goVersion))", 1)]))
        if state.startedAt != nil {
            fields.append(Field(forms: [("  \(DurationText.format(state.activeSeconds(now: context.now)))", 6)]))
        }
        let progress = ReleaseProgress(state: state, now: context.now)
        if !state.isFinished, progress.totalCells > 0 {
            let percent = "\(Int((progress.fraction * 100).rounded(.down)))%"
            let eta = progress.remainingSeconds.map { "~\(DurationText.format($0)) left" }
            let bar = Self.bar(progress.fraction, width: 10, glyphs: g)
            var forms: [(String, Int)] = [("  \(bar) \(percent)" + (eta.map { " \($0)" } ?? ""), 4)]
            if let eta { forms.append(("  \(percent) \(eta)", 5)) }
            forms.append(("  \(percent)", 5))
            fields.append(Field(forms: forms))
        }
        // The counts shorten before the project goes, and never go.
        fields.append(Field(forms: [("  " + countsText(long: true), 7), ("  " + countsText(long: false), 100)]))
        return fields
    }

    /// The fields joined, in their order, after shortening or dropping the least important ones
    /// until the rest fits in `width` (what still does not fit is cut by the caller).
    static func fit(_ fields: [Field], width: Int) -> String {
        var chosen = fields.map { _ in 0 }
        func text() -> String {
            fields.indices.filter { chosen[$0] < fields[$0].forms.count }.map { fields[$0].forms[chosen[$0]].text }.joined()
        }
        while TextWidth.of(text()) > width {
            let live = fields.indices.filter { chosen[$0] < fields[$0].forms.count }
            guard live.count > 1 || (live.first.map { chosen[$0] + 1 < fields[$0].forms.count } ?? false),
                  let next = live.min(by: { fields[$0].forms[chosen[$0]].priority < fields[$1].forms[chosen[$1]].priority })
            else { break }
            chosen[next] += 1
        }
        return text()
    }

    /// `█████░░░░░`.
    static func bar(_ fraction: Double, width: Int, glyphs: Glyphs) -> String {
        let full = max(0, min(width, Int((fraction * Double(width)).rounded(.down))))
        return String(repeating: glyphs.barFull, count: full) + String(repeating: glyphs.barEmpty, count: width - full)
    }

    func outcomeWord() -> String {
        let g = context.glyphs
        if context.view.quitting && !context.state.isFinished { return "\(g.cancelled) CANCELLING" }
        switch context.state.outcome {
        case .succeeded?: return "\(g.succeeded) SUCCEEDED"
        case .failed?: return "\(g.failed) FAILED"
        case .cancelled?: return "\(g.cancelled) CANCELLED"
        case .interrupted?: return "\(g.failed) INTERRUPTED"
        case nil:
            switch context.watchEnd {
            case .writerDied?: return "\(g.failed) DIED"
            case .journalDeleted?: return "\(g.failed) JOURNAL DELETED"
            case nil: return context.state.info == nil ? "\(g.queued) STARTING" : "\(g.running) RUNNING"
            }
        }
    }

    /// `✔ 3 ok  ✘ 1 failed  ▶ 2/2 building  ▷ 3 post-build  · 1 queued` (long) or
    /// `✔3 ✘1 ▶2 ▷3 ·1 ⊘0` (short). Building counts against `--parallelism`; archiving, hashing and
    /// signing of finished builds do not, so they are counted apart.
    func countsText(long: Bool) -> String {
        let state = context.state, g = context.glyphs
        let building = state.buildingCount, postBuild = state.postBuildCount
        let slots = state.info?.parallelism.map { "/\($0)" } ?? ""
        if long {
            var parts: [String] = ["\(g.succeeded) \(state.count(.succeeded)) ok"]
            if state.count(.failed) > 0 { parts.append("\(g.failed) \(state.count(.failed)) failed") }
            if building > 0 { parts.append("\(g.running) \(building)\(slots) building") }
            if postBuild > 0 { parts.append("\(g.postBuild) \(postBuild) post-build") }
            if state.count(.queued) > 0 { parts.append("\(g.queued) \(state.count(.queued)) queued") }
            if state.count(.cancelled) > 0 { parts.append("\(g.cancelled) \(state.count(.cancelled)) cancelled") }
            return parts.joined(separator: "  ")
        }
        return ["\(g.succeeded)\(state.count(.succeeded))", "\(g.failed)\(state.count(.failed))",
                "\(g.running)\(building)", "\(g.postBuild)\(postBuild)", "\(g.queued)\(state.count(.queued))",
                "\(g.cancelled)\(state.count(.cancelled))"].joined(separator: " ")
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
        let again = steps.filter { $0.1.willRunAgain }
        for (step, info) in steps {
            if info.willRunAgain {
                // What the step wrote does not cover the retried cell: it is not "done".
                put("\(g.queued) \(step.rawValue)", Style(.queued))
            } else {
                let role: StyleRole = info.running ? .running : info.result == .failed ? .failed
                    : info.result == .succeeded ? .succeeded : info.result == .cancelled ? .cancelled
                    : info.result == .skipped ? .dim : .queued
                put("\(g.step(info)) \(step.rawValue)", Style(role))
            }
            put("  ", .normal)
        }
        if !again.isEmpty { put("(will run again after the retry)  ", Style(.dim)) }
        if let last = state.warnings.last {
            put("  ", .normal)
            let count = state.warnings.count
            put("! \(count) warning\(count == 1 ? "" : "s"): \(context.escape(last))", Style(.warning))
        }
    }
}
