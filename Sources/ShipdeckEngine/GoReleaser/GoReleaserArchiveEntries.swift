import Foundation

/// The entries of an archive planned from a GoReleaser config, in GoReleaser's order: the
/// `files:` (globbed, destinations as GoReleaser's archivefiles computes them, sorted by
/// destination, first of a duplicate kept), then the binaries; all under `wrap_in_directory`.
/// No directory entries are added, as GoReleaser adds none.
enum GoReleaserArchiveEntries {
    struct Entry: Equatable {
        var path: String
        var source: URL
        var mode: UInt16
    }

    /// `binaries`: the file of each member cell's binary.
    static func evaluate(
        _ archive: GoReleaserArchivePlan, moduleDirectory: URL, distDirectory: URL, binaries: [String: URL]
    ) throws -> [Entry] {
        var files: [Entry] = []
        for spec in archive.files {
            let found: [(relative: String, url: URL, executable: Bool)]
            do {
                found = try ArchiveFiles.expand([spec.source], in: moduleDirectory, excluding: [distDirectory])
            } catch let error as ShipdeckError where spec.isDefault {
                _ = error
                continue
            }
            guard !found.isEmpty else { continue }
            let relatives = found.map(\.relative)
            let clean = spec.source.hasPrefix("./") ? String(spec.source.dropFirst(2)) : spec.source
            var prefix = clean
            let isGlob = clean.contains { "*?[{".contains($0) }
            if isGlob || !FileManager.default.fileExists(atPath: moduleDirectory.appendingPathComponent(clean).path) {
                prefix = PathText.parent(longestCommonPrefix(relatives))
            }
            for file in found {
                let destination: String
                if spec.stripParent {
                    destination = join(spec.destination, (file.relative as NSString).lastPathComponent)
                } else if !spec.destination.isEmpty {
                    destination = join(spec.destination, relative(file.relative, to: prefix))
                } else {
                    destination = file.relative
                }
                files.append(
                    Entry(path: destination, source: file.url, mode: spec.mode ?? (file.executable ? 0o755 : 0o644)))
            }
        }
        files.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        var seen: Set<String> = []
        files = files.filter { seen.insert($0.path).inserted }
        var out = files
        for (cell, name) in archive.binaries {
            guard let url = binaries[cell] else {
                throw ShipdeckError(.process, "archive \(archive.name): the binary of \(cell) is missing")
            }
            out.append(Entry(path: name, source: url, mode: archive.binaryMode))
        }
        guard !archive.wrap.isEmpty else { return out }
        return out.map { Entry(path: join(archive.wrap, $0.path), source: $0.source, mode: $0.mode) }
    }

    /// `filepath.Join`: cleaned, without empty parts.
    static func join(_ a: String, _ b: String) -> String {
        let parts = (a + "/" + b).split(separator: "/").filter { $0 != "." && !$0.isEmpty }
        return parts.joined(separator: "/")
    }

    static func relative(_ path: String, to prefix: String) -> String {
        guard !prefix.isEmpty, prefix != "." else { return path }
        return path.hasPrefix(prefix + "/") ? String(path.dropFirst(prefix.count + 1)) : path
    }

    static func longestCommonPrefix(_ items: [String]) -> String {
        guard var prefix = items.first else { return "" }
        for item in items.dropFirst() {
            while !item.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    /// Writes the archive (tar.gz or zip) with every entry stamped with `mtime`; returns its sha256 and size.
    static func write(_ entries: [Entry], format: String, mtime: Int64, to path: String) throws -> (hex: String, size: Int64) {
        var seen: Set<String> = []
        for entry in entries where !seen.insert(entry.path).inserted {
            throw ShipdeckError(
                .config, "two files would be stored as \(UntrustedText.escape(entry.path)) in the archive",
                hint: "rename one of them, or narrow the archive files: globs")
        }
        // GoReleaser's archives have no directory entries, but a file still cannot stand where others need a folder.
        for entry in entries {
            try ArchiveEntry.checkPath(entry.path)
            var parent = PathText.parent(entry.path)
            while !parent.isEmpty, parent != "/" {
                if seen.contains(parent) { throw ArchiveEntry.clash(parent) }
                parent = PathText.parent(parent)
            }
        }
        let archiveEntries = entries.map {
            ArchiveEntry(path: $0.path, source: $0.source, isDirectory: false, mode: $0.mode)
        }
        switch format {
        case "tar.gz": return try TarGzWriter.write(archiveEntries, mtime: mtime, to: path)
        case "zip": return try ZipWriter.write(archiveEntries, mtime: mtime, to: path)
        default: throw ShipdeckError(.config, "archive format \(format) is not written by Shipdeck")
        }
    }
}
