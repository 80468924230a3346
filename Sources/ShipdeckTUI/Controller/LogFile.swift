import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One attempt's whole log on disk, read a chunk at a time: memory holds only the last lines of a
/// log (`LogTail`), the file holds all of them.
///
/// Lines are split as the engine splits a child's output into log events (on `\n`, a trailing
/// `\r` dropped, at most `maxLineBytes` a line), so line *n* of the file is line *n* of the events
/// and a match found here can be shown at its place in the pane. The reader remembers the byte
/// offset of every `checkpointEvery`-th line it has passed, so a later read near that line seeks
/// instead of reading from the start. Use it from one thread at a time (the search runs on a
/// copy of its own).
final class LogFile {
    let url: URL
    static let maxLineBytes = 64 * 1024
    static let checkpointEvery = 1024
    /// `checkpoints[k]` is the byte offset where line `k * checkpointEvery` starts.
    private(set) var checkpoints: [Int64] = [0]

    init(url: URL) { self.url = url }

    /// Lines `range` of the file (fewer when the file ends first; empty when it cannot be read).
    func lines(_ range: Range<Int>) -> [String] {
        guard !range.isEmpty, range.lowerBound >= 0 else { return [] }
        let k = min(range.lowerBound / Self.checkpointEvery, checkpoints.count - 1)
        var out: [String] = []
        out.reserveCapacity(range.count)
        _ = Self.scan(url, fromOffset: checkpoints[k], firstLine: k * Self.checkpointEvery) { number, offset, bytes in
            self.note(line: number, offset: offset)
            if number >= range.upperBound { return false }
            if number >= range.lowerBound { out.append(Self.decode(bytes)) }
            return true
        }
        return out
    }

    private func note(line number: Int, offset: Int64) {
        if number % Self.checkpointEvery == 0, number / Self.checkpointEvery == checkpoints.count {
            checkpoints.append(offset)
        }
    }

    /// Calls `body(number, offset, bytes)` for every line from byte `fromOffset` (where line
    /// `firstLine` starts) until it returns false or the file ends. Returns the number of lines
    /// read, or nil when the file cannot be opened.
    @discardableResult
    static func scan(_ url: URL, fromOffset: Int64 = 0, firstLine: Int = 0,
                     _ body: (Int, Int64, UnsafeRawBufferPointer) -> Bool) -> Int? {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if fromOffset > 0, lseek(fd, off_t(fromOffset), SEEK_SET) < 0 { return nil }
        let chunk = 256 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        var pending: [UInt8] = []
        var number = firstLine
        var lineStart = fromOffset
        var going = true
        func emit(_ bytes: UnsafeRawBufferPointer, length: Int64) {
            going = body(number, lineStart, bytes)
            number += 1
            lineStart += length
        }
        while going {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunk) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            buffer.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                var start = 0
                var i = 0
                while i < count, going {
                    if bytes[i] == UInt8(ascii: "\n") {
                        if pending.isEmpty {
                            emit(UnsafeRawBufferPointer(rebasing: bytes[start..<i]), length: Int64(i - start + 1))
                        } else {
                            pending.append(contentsOf: bytes[start..<i])
                            let length = Int64(pending.count + 1)
                            pending.withUnsafeBytes { emit($0, length: length) }
                            pending.removeAll(keepingCapacity: true)
                        }
                        start = i + 1
                    } else if i - start + pending.count + 1 > maxLineBytes {
                        // A line longer than the engine keeps is split where the engine splits it.
                        pending.append(contentsOf: bytes[start..<i])
                        let length = Int64(pending.count)
                        pending.withUnsafeBytes { emit($0, length: length) }
                        pending.removeAll(keepingCapacity: true)
                        start = i
                        continue
                    }
                    i += 1
                }
                if going { pending.append(contentsOf: bytes[start..<count]) }
            }
        }
        if going, !pending.isEmpty {
            let length = Int64(pending.count)
            pending.withUnsafeBytes { emit($0, length: length) }
        }
        return number - firstLine
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        var line = String(decoding: bytes, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }
}
