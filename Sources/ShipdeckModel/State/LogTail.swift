import Foundation

/// The last `capacity` lines of a log, with a count of every line seen. Memory per cell stays
/// bounded however much a build prints; the whole log is on disk.
public struct LogTail: Sendable, Hashable {
    public private(set) var lines: [String] = []
    public private(set) var totalLines = 0
    public let capacity: Int
    private var start = 0

    public init(capacity: Int = 2000) { self.capacity = capacity }

    public mutating func append(contentsOf newLines: [String]) {
        totalLines += newLines.count
        let slice = newLines.count > capacity ? newLines.suffix(capacity) : newLines[...]
        for line in slice {
            if lines.count < capacity {
                lines.append(line)
            } else {
                lines[start] = line
                start = (start + 1) % capacity
            }
        }
    }

    /// The kept lines, oldest first.
    public var ordered: [String] {
        start == 0 ? lines : Array(lines[start...] + lines[..<start])
    }

    public var count: Int { lines.count }

    /// The kept line at `index` (0 = oldest kept).
    public subscript(index: Int) -> String { lines[(start + index) % lines.count] }
}
