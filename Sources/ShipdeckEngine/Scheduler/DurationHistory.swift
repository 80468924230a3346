import Foundation

/// Build durations of earlier releases, per module and cell, so the scheduler can start the
/// longest cells first and the slowest target does not start last.
///
/// Kept in `$XDG_CACHE_HOME/shipdeck/durations/` (or `~/.cache/...`), one small JSON file per
/// module path; a missing or unreadable file only means "no history".
package struct DurationHistory: Sendable {
    package var seconds: [String: Double]
    let file: URL?

    package init(seconds: [String: Double] = [:], file: URL? = nil) {
        self.seconds = seconds
        self.file = file
    }

    package static func load(modulePath: String, environment: [String: String]) -> DurationHistory {
        guard let file = location(modulePath: modulePath, environment: environment) else { return DurationHistory() }
        let stored = (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode([String: Double].self, from: $0) }
        return DurationHistory(seconds: stored ?? [:], file: file)
    }

    static func location(modulePath: String, environment: [String: String]) -> URL? {
        guard let base = ShipdeckCache.directory(environment: environment) else { return nil }
        let key = FileDigest.sha256(data: Data(modulePath.utf8)).prefix(16)
        return base.appendingPathComponent("durations/\(key).json")
    }

    /// Cells ordered longest first. Cells never seen come first (they may be the slow ones);
    /// ties keep plan order.
    package func order(_ cells: [String]) -> [String] {
        cells.enumerated().sorted { a, b in
            let da = seconds[a.element] ?? .infinity, db = seconds[b.element] ?? .infinity
            return da != db ? da > db : a.offset < b.offset
        }.map(\.element)
    }

    /// Records new durations (merged with the old ones) and writes the file; errors are ignored:
    /// history is an optimisation, never a reason to fail a release.
    package mutating func record(_ durations: [String: Double]) {
        seconds.merge(durations) { $1 }
        guard let file else { return }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        if let data = try? JSONEncoder().encode(seconds) { try? data.write(to: file, options: .atomic) }
    }
}
