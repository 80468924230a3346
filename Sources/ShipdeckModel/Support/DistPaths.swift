import Foundation

/// Names of Shipdeck's own files inside a dist/ folder, shared by the engine (which writes them) and
/// front ends (which open them, like the dashboard's log view).
public enum DistPaths {
    /// The folder of per-attempt logs, relative to dist/.
    public static let logsFolder = "logs"
    /// The release's timeline picture (the dashboard's `t` view as SVG), Shipdeck's bookkeeping.
    public static let timelineFile = "timeline.svg"

    /// The release notes (`changelog:`), relative to dist/: what the dashboard shows and publishing uses as the body.
    public static let changelog = "CHANGELOG.md"

    /// A cell id as one file-name component: `linux/arm/7` → `linux_arm_7`, and a GoReleaser build's
    /// `cli:linux/amd64` → `cli_linux_amd64` (actions/upload-artifact refuses a ':' in a path, and
    /// Windows cannot hold one, so a dist/ with it could not be carried between CI jobs).
    public static func fileComponent(_ cell: String) -> String {
        cell.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "_")
    }

    /// The full log of one attempt of one cell, relative to dist/.
    public static func logPath(cell: String, attempt: Int) -> String {
        "\(logsFolder)/\(fileComponent(cell)).attempt-\(attempt).log"
    }

    /// The lock a run holds on dist/ while it writes there (`DistLock`).
    public static let lockFile = ".shipdeck.lock"

    /// The journal of `shipdeck publish` (`PublishJournal`), which `--resume` reads.
    public static let publishJournal = "shipdeck.publish.jsonl"

    /// True for Shipdeck's own bookkeeping in dist/ (a path relative to dist/), which is neither an
    /// artifact nor listed in checksums.txt: the journal and the previous one, `logs/`, the work
    /// folder `.shipdeck/`, the lock, shard part manifests, the publish journal, the dashboard's `timeline.svg` and the
    /// release notes `CHANGELOG.md`.
    /// `verify` reports every other unlisted file as EXTRA; publishing skips these.
    public static func isBookkeeping(_ relativePath: String) -> Bool {
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        guard let first = parts.first.map(String.init) else { return false }
        if first == logsFolder || first == ".shipdeck" { return true }
        guard parts.count == 1 else { return false }
        // CHANGELOG.md: release notes Shipdeck writes by name; no checksum covers them (GoReleaser's neither).
        if ["shipdeck.journal.jsonl", "shipdeck.journal.previous.jsonl", lockFile, "timeline.svg", changelog, publishJournal].contains(first) {
            return true
        }
        return first.hasPrefix("part-") && first.hasSuffix(".json")
    }
}
