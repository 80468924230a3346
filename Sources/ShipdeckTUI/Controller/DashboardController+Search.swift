import Foundation
import ShipdeckModel

/// `/`, `n`, `N`: search the attempt's whole log file — streamed from disk on a background
/// queue, not only the lines memory keeps — and move between the matching lines.
extension DashboardController {
    func startSearch(_ query: String, state: ReleaseState, now: Double) {
        view.search = query
        view.matchLine = nil
        view.focus = .log
        jumpWhenSearched = true
        restartSearch()
        // Memory's tail answers at once; the whole file refines it ("match i of N") when read.
        if logSearch == nil { findInTail(forward: true, state: state, now: now) }
    }

    func clearSearch() {
        logSearch?.cancel()
        logSearch = nil
        view.search = nil
        view.matchLine = nil
        view.searchProgress = .init()
    }

    /// Starts reading the selected attempt's file for the current query (a new selection, a
    /// new attempt, or a file that grew).
    func restartSearch() {
        logSearch?.cancel()
        logSearch = nil
        view.searchProgress = .init()
        guard let query = view.search, !query.isEmpty, let url = currentLogURL,
              FileManager.default.isReadableFile(atPath: url.path) else { return }
        let search = LogSearch(query: query, url: url)
        logSearch = search
        view.searchProgress.running = true
        search.start()
    }

    var currentLogURL: URL? { lastState.flatMap { state in logSource(state)?.fileURL(distDirectory: state.info?.distDirectory) } }

    /// Takes a finished search's result; jumps to the first match when the search was just confirmed.
    func pollSearch(_ state: ReleaseState, now: Double) {
        lastState = state
        guard let search = logSearch, view.searchProgress.running, let result = search.finished else { return }
        view.searchProgress.running = false
        view.searchProgress.matchCount = result.matches.count
        view.searchProgress.linesSearched = result.linesSearched
        if let line = view.matchLine, let index = result.matches.firstIndex(of: line) {
            view.searchProgress.matchIndex = index
        }
        if jumpWhenSearched {
            jumpWhenSearched = false
            if view.matchLine == nil || view.searchProgress.matchIndex == nil {
                findNext(forward: true, state: state, now: now)
            } else if let index = view.searchProgress.matchIndex {
                view.say("match \(index + 1) of \(result.matches.count)\(result.capped ? "+" : "")", now: now, seconds: 3)
            }
        }
    }

    func findNext(forward: Bool, state: ReleaseState, now: Double) {
        guard let query = view.search, !query.isEmpty else {
            view.say("no search yet: / starts one", now: now)
            return
        }
        guard let source = logSource(state) else { return }
        guard let result = logSearch?.finished else {
            if logSearch != nil {
                jumpWhenSearched = true
                view.say("searching the whole log\(glyphs.ellipsis)", now: now, seconds: 2)
                return
            }
            return findInTail(forward: forward, state: state, now: now)
        }
        // A running cell's file grows: read it again for the next `n`.
        if result.linesSearched < source.endLine, source.status == .running { restartSearch() }
        let matches = result.matches
        guard !matches.isEmpty else {
            view.matchLine = nil
            let path = currentLogURL.map { " of " + UntrustedText.escape(LogPaneView.shownPath($0)) } ?? ""
            view.say("not found: \(UntrustedText.escape(query)) (searched \(result.linesSearched) lines\(path))", now: now, seconds: 6)
            return
        }
        let index: Int
        if let line = view.matchLine {
            if forward {
                index = matches.firstIndex { $0 > line } ?? 0
            } else {
                index = matches.lastIndex { $0 < line } ?? matches.count - 1
            }
        } else {
            let top = source.top(height: logHeight, follow: view.follow, requested: view.logTop)
            if forward {
                index = matches.firstIndex { $0 >= top } ?? 0
            } else {
                index = matches.lastIndex { $0 <= top + logHeight - 1 } ?? matches.count - 1
            }
        }
        show(match: matches[index], source: source)
        view.searchProgress.matchIndex = index
        view.searchProgress.matchCount = matches.count
        var text = "match \(index + 1) of \(matches.count)\(result.capped ? "+" : "")"
        if matches[index] < source.firstLine { text += " (line \(matches[index] + 1), read from the log file)" }
        view.say(text, now: now, seconds: 3)
    }

    private func show(match line: Int, source: LogSource) {
        view.matchLine = line
        view.follow = false
        let top = source.top(height: logHeight, follow: false, requested: view.logTop)
        if line < top || line >= top + logHeight { view.logTop = max(source.reachableFirst, line - logHeight / 2) }
        view.logColumn = 0
    }

    /// Memory's lines only (no file to read: the journal of another machine, a removed dist/).
    private func findInTail(forward: Bool, state: ReleaseState, now: Double) {
        guard let query = view.search, let source = logSource(state) else { return }
        let from: Int
        if let line = view.matchLine {
            from = line + (forward ? 1 : -1)
        } else {
            let top = source.top(height: logHeight, follow: view.follow, requested: view.logTop)
            from = forward ? top : top + logHeight - 1
        }
        guard let line = source.find(query, from: from, forward: forward) else {
            view.matchLine = nil
            view.say("not found: \(UntrustedText.escape(query)) (searched the \(source.tail.count) lines in memory)", now: now)
            return
        }
        show(match: line, source: source)
    }
}
