import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The first line of a release journal (`dist/shipdeck.journal.jsonl`).
///
/// The journal is JSON lines: this header, then one `EventRecord` per line in the order the
/// engine emitted them. Example:
///
///     {"journal":"shipdeck","format":2,"shipdeckVersion":"0.1.0","plan":{…ReleaseInfo…},
///      "created":1732521600.5,"host":"build-1","pid":4242}
///     {"seq":0,"time":1732521600.6,"type":"releaseStarted","release":{…}}
///     {"seq":1,"time":1732521600.6,"type":"cellQueued","cell":"linux/amd64","attempt":1}
///
/// `host` and `pid` name the writing process, so a watcher on the same machine can tell a
/// release that is still running from one whose process died without finishing the journal.
package struct JournalHeader: Codable, Sendable, Hashable {
    /// The format this Shipdeck writes and fully reads.
    /// Format 2 writes events in event schema 2 (docs/events.md); format 1 journals are still read.
    package static let currentFormat = 2
    /// The journal's file name inside dist/.
    package static let fileName = "shipdeck.journal.jsonl"
    /// Where a resumed release moves the journal of the release it continues.
    package static let previousFileName = "shipdeck.journal.previous.jsonl"
    static let magic = "shipdeck"

    /// Always `"shipdeck"`: tells a journal from any other JSON-lines file.
    package var journal: String
    package var format: Int
    package var shipdeckVersion: String
    /// The release as planned.
    package var plan: ReleaseInfo
    /// Seconds since 1970 when the journal was created.
    package var created: Double
    package var host: String
    package var pid: Int32

    package init(
        plan: ReleaseInfo, created: Double = Date().timeIntervalSince1970,
        host: String = ProcessInfo.processInfo.hostName, pid: Int32 = getpid()
    ) {
        self.journal = Self.magic
        self.format = Self.currentFormat
        self.shipdeckVersion = Shipdeck.version
        self.plan = plan
        self.created = created
        self.host = host
        self.pid = pid
    }

    /// The part of a header every format version keeps, read first so a newer journal can be named.
    struct Preamble: Decodable {
        var journal: String
        var format: Int
        var shipdeckVersion: String?
    }
}
