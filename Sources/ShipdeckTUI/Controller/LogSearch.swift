import Foundation
import ShipdeckModel

/// A search of one attempt's whole log file (not only the lines memory keeps), streamed from disk
/// on a background queue so keys keep working while a long log is read.
///
/// A line matches as the log pane shows it: escaped (`UntrustedText`), tabs expanded, compared
/// case-insensitively, so what the pane highlights and what the search counts are the same.
// `@unchecked`: `lock` guards `result` and `cancelled`; the rest is immutable.
final class LogSearch: @unchecked Sendable {
    struct Result: Sendable, Equatable {
        /// Numbers (0-based) of the lines that contain the query, in order.
        var matches: [Int]
        /// Every line read, matching or not.
        var linesSearched: Int
        /// False when the file could not be opened (nothing written yet, or removed).
        var readable: Bool
        /// True when more lines matched than `maxMatches`; only the first ones are kept.
        var capped: Bool
    }

    static let maxMatches = 1_000_000

    let query: String
    let url: URL
    private let queue = DispatchQueue(label: "shipdeck.dashboard.search", qos: .userInitiated)
    /// Guards `result` and `cancelled`.
    private let lock = NSLock()
    private var result: Result?
    private var cancelled = false

    init(query: String, url: URL) {
        self.query = query
        self.url = url
    }

    /// Starts reading. `done` runs on the search's queue once the result is ready.
    func start(done: @escaping @Sendable () -> Void = {}) {
        queue.async { [self] in
            let found = Self.run(query: query, url: url) { lock.withLock { cancelled } }
            lock.withLock { result = found }
            done()
        }
    }

    /// The result once the whole file has been read; nil while it is still being read.
    var finished: Result? { lock.withLock { result } }

    func cancel() { lock.withLock { cancelled = true } }

    /// Waits for the result (tests).
    func wait() -> Result? {
        queue.sync {}
        return finished
    }

    static func run(query: String, url: URL, isCancelled: () -> Bool = { false }) -> Result {
        var matches: [Int] = []
        var capped = false
        let needle = Array(query.lowercased().utf8)
        let plain = !needle.isEmpty && needle.allSatisfy { $0 >= 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "<") }
        let count = LogFile.scan(url) { number, _, bytes in
            if number % 4096 == 0, isCancelled() { return false }
            let hit: Bool
            if plain, let ascii = Self.asciiContains(bytes, needle) {
                hit = ascii
            } else {
                let text = TextWidth.expandTabs(UntrustedText.escape(LogFile.decode(bytes)))
                hit = text.range(of: query, options: [.caseInsensitive]) != nil
            }
            if hit {
                if matches.count < maxMatches { matches.append(number) } else { capped = true }
            }
            return true
        }
        return Result(matches: matches, linesSearched: count ?? 0, readable: count != nil, capped: capped)
    }

    /// Case-insensitive search of a lowercased printable-ASCII needle in a line that is printable
    /// ASCII too (so escaping and tab expansion would not change it); nil for any other line.
    static func asciiContains(_ bytes: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool? {
        var end = bytes.count
        if end > 0, bytes[end - 1] == 0x0d { end -= 1 }
        for i in 0..<end where bytes[i] < 0x20 || bytes[i] >= 0x7f { return nil }
        guard needle.count <= end else { return false }
        let first = needle[0]
        var i = 0
        while i + needle.count <= end {
            if lower(bytes[i]) == first {
                var j = 1
                while j < needle.count, lower(bytes[i + j]) == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5a ? b + 32 : b }
}
