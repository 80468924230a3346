import Foundation

/// One file or directory inside an archive, with everything normalized: the path uses `/`,
/// the mode is 0755 (directories, executables) or 0644, owner and time are the archive's.
struct ArchiveEntry: Sendable, Equatable {
    /// Path inside the archive; directories end without `/` here, writers add it.
    var path: String
    /// The file on disk to copy; nil for directories.
    var source: URL?
    var isDirectory: Bool
    var mode: UInt16

    static func file(_ path: String, source: URL, executable: Bool) -> ArchiveEntry {
        ArchiveEntry(path: path, source: source, isDirectory: false, mode: executable ? 0o755 : 0o644)
    }

    static func directory(_ path: String) -> ArchiveEntry {
        ArchiveEntry(path: path, source: nil, isDirectory: true, mode: 0o755)
    }

    /// Adds the parent directories of every file and sorts by the path bytes, so the order does
    /// not depend on the file system or the order of globs.
    static func normalized(_ entries: [ArchiveEntry]) throws -> [ArchiveEntry] {
        var byPath: [String: ArchiveEntry] = [:]
        for entry in entries {
            if let existing = byPath[entry.path], existing != entry {
                throw ShipdeckError(
                    .config, "two different files would be stored as \(entry.path) in the archive",
                    hint: "rename one of them, or narrow the archive files: globs")
            }
            byPath[entry.path] = entry
            var parent = (entry.path as NSString).deletingLastPathComponent
            while !parent.isEmpty, parent != "/" {
                if byPath[parent] == nil { byPath[parent] = .directory(parent) }
                parent = (parent as NSString).deletingLastPathComponent
            }
        }
        return byPath.values.sorted { Array($0.sortKey.utf8).lexicographicallyPrecedes(Array($1.sortKey.utf8)) }
    }

    /// Directories sort as `dir/`, so they come right before their contents.
    var sortKey: String { isDirectory ? path + "/" : path }
}
