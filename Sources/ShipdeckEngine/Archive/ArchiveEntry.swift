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
    ///
    /// Refuses what an unpacking tool would refuse or place elsewhere: an absolute path, a `.` or `..`
    /// name, an empty name, a NUL; and a file standing where a directory of other entries must be.
    static func normalized(_ entries: [ArchiveEntry]) throws -> [ArchiveEntry] {
        var byPath: [String: ArchiveEntry] = [:]
        for entry in entries {
            try checkPath(entry.path)
            if let existing = byPath[entry.path], existing != entry {
                throw existing.isDirectory != entry.isDirectory
                    ? clash(entry.path)
                    : ShipdeckError(
                        .config, "two different files would be stored as \(UntrustedText.escape(entry.path)) in the archive",
                        hint: "rename one of them, or narrow the archive files: globs")
            }
            byPath[entry.path] = entry
            var parent = PathText.parent(entry.path)
            while !parent.isEmpty, parent != "/" {
                if let existing = byPath[parent] {
                    guard existing.isDirectory else { throw clash(parent) }
                } else {
                    byPath[parent] = .directory(parent)
                }
                parent = PathText.parent(parent)
            }
        }
        return byPath.values.sorted { Array($0.sortKey.utf8).lexicographicallyPrecedes(Array($1.sortKey.utf8)) }
    }

    /// A path inside an archive: relative, with non-empty names that are not `.` or `..`, and no `\`
    /// (which Windows tools take for a separator, so `..\x` would climb out as `../x` does).
    static func checkPath(_ path: String) throws {
        let names = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), !path.contains("\0"), !path.contains("\\"),
            !names.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else {
            throw ShipdeckError(
                .config,
                "the archive entry '\(UntrustedText.escape(path))' is not a relative path of plain names (no leading '/', no '\\', no '.', '..' or empty names)",
                hint: "check archive wrap_in_directory: and files:; a wrapping directory is a name such as myapp_1.0.0 or myapp/bin")
        }
    }

    static func clash(_ path: String) -> ShipdeckError {
        ShipdeckError(
            .config,
            "the archive would hold a file named \(UntrustedText.escape(path)) and a directory of that name, which cannot both be unpacked",
            hint: "rename the file or the directory in files: (the binary's name comes from binary: or project:)")
    }

    /// Directories sort as `dir/`, so they come right before their contents.
    var sortKey: String { isDirectory ? path + "/" : path }
}
