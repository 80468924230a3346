import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Reads a release journal, all at once or as it grows (`shipdeck watch`), read-only.
///
/// It is tolerant: a line that is not JSON, a record this version does not know and a torn last
/// line are reported as `Problem`s and skipped, and everything else is returned. A journal of a
/// newer format is read as far as this version understands it.
package final class JournalReader {
    /// Something in the journal that could not be read.
    package enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// The first line is not a Shipdeck journal header.
        case missingHeader(excerpt: String)
        /// Written by a newer Shipdeck; what this one understands is still shown.
        case futureFormat(found: Int, supported: Int, writer: String?)
        /// A line that is not JSON at all.
        case garbage(line: Int, excerpt: String)
        /// JSON, but not an event this version knows.
        case unknownRecord(line: Int, excerpt: String)
        /// The last line ends without a newline: the writer stopped mid-line (a crash).
        case truncatedLine(line: Int, bytes: Int)

        package var description: String {
            switch self {
            case .missingHeader(let excerpt):
                return "line 1 is not a Shipdeck journal header (\(excerpt)); reading the events that follow"
            case .futureFormat(let found, let supported, let writer):
                return "journal format \(found)\(writer.map { " (written by Shipdeck \($0))" } ?? "") is newer than "
                    + "this Shipdeck reads (format \(supported)); showing what it could read: upgrade shipdeck to see all of it"
            case .garbage(let line, let excerpt):
                return "line \(line) is garbage, not a JSON record (skipped): \(excerpt)"
            case .unknownRecord(let line, let excerpt):
                return "line \(line) is not an event this Shipdeck knows (skipped): \(excerpt)"
            case .truncatedLine(let line, let bytes):
                return "line \(line) is truncated (\(bytes) bytes without an end: the writer stopped mid-line); ignored"
            }
        }
    }

    /// Everything read from a journal at once.
    package struct Contents: Sendable {
        package var header: JournalHeader?
        package var records: [EventRecord]
        package var problems: [Problem]
    }

    package let url: URL
    package private(set) var header: JournalHeader?
    private let fd: Int32
    private let identity: (device: UInt64, inode: UInt64)
    private var pending: [UInt8] = []
    private var lineNumber = 0
    private let decoder = JSONDecoder()

    /// Opens `url` read-only (works on a read-only file system and beside any number of readers).
    /// Only a regular file is read: a FIFO would block (or never end), a device could be endless.
    package init(url: URL) throws {
        self.url = url
        // O_NONBLOCK: opening a FIFO without a writer must not wait for one.
        fd = open(url.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ShipdeckError(
                .journal, "cannot open the journal \(url.path): \(reason)",
                hint: "pass the dist folder of a release (it holds \(JournalHeader.fileName))")
        }
        var info = stat()
        fstat(fd, &info)
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw ShipdeckError(
                .journal,
                "\(url.path) is \(Self.kind(info.st_mode)), not a regular file: it cannot be a release journal",
                hint: "pass the dist folder of a release, or its \(JournalHeader.fileName) as a regular file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// A non-regular file's kind, in words.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFDIR: return "a folder"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    deinit { close(fd) }

    /// Reads a whole journal as it is now; a partial last line counts as truncated.
    package static func read(_ url: URL) throws -> Contents {
        let reader = try JournalReader(url: url)
        var (records, problems) = reader.readAvailable()
        problems += reader.finish()
        return Contents(header: reader.header, records: records, problems: problems)
    }

    /// The complete lines appended since the last call, decoded. A partial last line waits for
    /// the rest (the writer may be mid-write); `finish()` reports it if it never completes.
    package func readAvailable() -> (records: [EventRecord], problems: [Problem]) {
        var records: [EventRecord] = []
        var problems: [Problem] = []
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            var start = 0
            for i in 0..<n where chunk[i] == UInt8(ascii: "\n") {
                pending.append(contentsOf: chunk[start..<i])
                lineNumber += 1
                decode(pending, into: &records, problems: &problems)
                pending.removeAll(keepingCapacity: true)
                start = i + 1
            }
            pending.append(contentsOf: chunk[start..<n])
        }
        return (records, problems)
    }

    /// True when bytes of an unfinished line are waiting.
    package var hasPartialLine: Bool { !pending.isEmpty }

    /// Ends reading: a waiting partial line is reported as truncated.
    package func finish() -> [Problem] {
        guard !pending.isEmpty else { return [] }
        defer { pending.removeAll() }
        return [.truncatedLine(line: lineNumber + 1, bytes: pending.count)]
    }

    /// True when the journal's path names no file now (deleted, or moved aside a moment before a
    /// resumed release creates the next one).
    package var isMissing: Bool {
        var info = stat()
        return stat(url.path, &info) != 0
    }

    /// True when the journal's path now names another file (a resumed release started a new
    /// journal and moved this one aside), or none.
    package var wasReplaced: Bool {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return true }
        return UInt64(info.st_dev) != identity.device || UInt64(info.st_ino) != identity.inode
    }

    /// True when the header names a process on this machine that no longer exists: nothing will
    /// ever finish this journal. A process that has the pid now but started after the journal was
    /// created is another one (the pid was reused), so the writer is gone then too.
    package var writerIsGone: Bool {
        guard let header, header.host == Self.hostName, header.pid > 0 else { return false }
        guard kill(header.pid, 0) == 0 || errno == EPERM else { return true }
        if Self.isZombie(header.pid) { return true }
        if let started = Self.startTime(of: header.pid), started > header.created + Self.startTimeSlack { return true }
        return false
    }

    /// Seconds of error in a start time read from /proc (whole-second boot time, clock ticks).
    static let startTimeSlack = 2.0

    /// When `pid` started, in seconds since 1970 (from /proc: boot time plus its start in clock ticks).
    static func startTime(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"), let boot = bootTime
        else { return nil }
        // After the command's ")": field 3 (state) onwards; starttime is field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard perSecond > 0 else { return nil }
        return boot + ticks / perSecond
    }

    /// The machine's boot time (`btime` in /proc/stat), read once.
    private static let bootTime: Double? = {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }()

    /// Looked up once: a watcher asks several times a second while the journal is quiet.
    private static let hostName = ProcessInfo.processInfo.hostName

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[close...].dropFirst(2).first == "Z"
    }

    // MARK: Decoding

    private func decode(_ bytes: [UInt8], into records: inout [EventRecord], problems: inout [Problem]) {
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) {
            return
        }
        let data = Data(bytes)
        if lineNumber == 1 {
            if let preamble = try? decoder.decode(JournalHeader.Preamble.self, from: data),
                preamble.journal == JournalHeader.magic
            {
                if preamble.format > JournalHeader.currentFormat {
                    problems.append(
                        .futureFormat(
                            found: preamble.format, supported: JournalHeader.currentFormat,
                            writer: preamble.shipdeckVersion))
                }
                header = try? decoder.decode(JournalHeader.self, from: data)
                return
            }
            problems.append(.missingHeader(excerpt: Self.excerpt(bytes)))
        }
        do {
            records.append(try decoder.decode(EventRecord.self, from: data))
        } catch {
            if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil {
                problems.append(.unknownRecord(line: lineNumber, excerpt: Self.excerpt(bytes)))
            } else {
                problems.append(.garbage(line: lineNumber, excerpt: Self.excerpt(bytes)))
            }
        }
    }

    /// The start of a bad line, escaped for a terminal.
    static func excerpt(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(60), as: UTF8.self)
        return "'" + UntrustedText.escape(text) + (bytes.count > 60 ? "…" : "") + "'"
    }
}
