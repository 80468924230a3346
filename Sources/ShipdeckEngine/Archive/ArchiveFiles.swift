import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Expands the archive `files:` globs (README*, LICENSE*, docs/**/*) against the module directory.
///
/// `*`, `?` and `[…]` match within one path element, `**` matches any number of elements, and a
/// pattern that names a directory takes the files under it. A pattern without wildcards must
/// exist; a wildcard pattern may match nothing (GoReleaser's README*/LICENSE* defaults rely on that;
/// the plan warns). A symbolic link to a file is followed: the archive holds the file's bytes
/// under the link's name, with the target's mode. Its target must be inside the module, or the
/// release is refused at plan time. Symbolic links to directories are not followed.
enum ArchiveFiles {
    /// Directories never packaged: VCS data and Shipdeck's own output.
    static let skipped: Set<String> = [".git", ".hg", ".svn", "dist", ".build"]

    static func expand(_ patterns: [String], in root: URL, excluding: [URL] = []) throws -> [(
        relative: String, url: URL, executable: Bool
    )] {
        try resolve(patterns, in: root, excluding: excluding).files
    }

    /// Checks `files:` when the release is planned, before anything builds: the errors `expand`
    /// would raise in every cell, and a warning per wildcard pattern that matches nothing. Returns the
    /// files too, so the plan lays out the archives without walking the module again.
    static func check(_ patterns: [String], in root: URL, excluding: [URL] = [], source: String) throws -> (
        files: [(relative: String, url: URL, executable: Bool)], warnings: [String]
    ) {
        do {
            let resolved = try resolve(patterns, in: root, excluding: excluding)
            return (resolved.files, resolved.unmatched.map {
                "\(source): archive files: '\($0)' matches no file in the module; nothing is added for it"
            })
        } catch var error as ShipdeckError {
            error.message = "\(source): " + error.message
            throw error
        }
    }

    static func resolve(_ patterns: [String], in root: URL, excluding: [URL]) throws -> (
        files: [(relative: String, url: URL, executable: Bool)], unmatched: [String]
    ) {
        guard !patterns.isEmpty else { return ([], []) }
        let excluded = Set(excluding.map { $0.standardizedFileURL.path })
        let all = try walk(root, excluded: excluded)
        let realRoot = root.standardizedFileURL.resolvingSymlinksInPath().path
        var found: [String: (URL, Bool)] = [:]
        var unmatched: [String] = []
        var linkedDirectories: Set<String> = []
        for pattern in patterns {
            let clean = pattern.hasPrefix("./") ? String(pattern.dropFirst(2)) : pattern
            guard !clean.hasPrefix("/"), !clean.split(separator: "/").contains("..") else {
                throw ShipdeckError(
                    .config, "archive files: '\(pattern)' points outside the module",
                    hint: "use paths relative to the module root, such as README.md or docs/*")
            }
            let patternParts = clean.split(separator: "/").map(String.init)
            var matched = false
            for (relative, url, executable, link) in all.files {
                let parts = relative.split(separator: "/").map(String.init)
                // A pattern matching a directory prefix takes everything below it.
                var hit = matches(patternParts, parts[...])
                if !hit {
                    for cut in stride(from: parts.count - 1, to: 0, by: -1) where matches(patternParts, parts[..<cut]) {
                        hit = true
                        break
                    }
                }
                if hit {
                    if all.undecodable.contains(relative) {
                        throw ShipdeckError(
                            .config,
                            "archive files: '\(UntrustedText.escape(relative))' has a name that is not UTF-8, which an archive cannot hold as it is",
                            hint: "rename the file to a UTF-8 name (convmv does), or leave it out of files:")
                    }
                    if let target = link {
                        let real = URL(fileURLWithPath: target).standardizedFileURL.path
                        guard real == realRoot || real.hasPrefix(realRoot + "/") else {
                            throw ShipdeckError(
                                .config, "archive files: '\(relative)' is a symbolic link to \(target), outside the module",
                                hint: "copy the file into the module, or remove the link from files:")
                        }
                    }
                    matched = true
                    found[relative] = (url, executable)
                }
            }
            if !matched, !clean.contains(where: { "*?[".contains($0) }) {
                if linkedDirectories.isEmpty {
                    linkedDirectories = Set(all.directoryLinks)
                }
                if linkedDirectories.contains(clean.hasSuffix("/") ? String(clean.dropLast()) : clean) {
                    throw ShipdeckError(
                        .config, "archive files: '\(pattern)' is a symbolic link to a directory, which Shipdeck does not follow",
                        hint: "list the directory the link points to instead")
                }
                var info = stat()
                let bare = clean.hasSuffix("/") ? String(clean.dropLast()) : clean
                if lstat(root.appendingPathComponent(bare).path, &info) == 0 {
                    let isDirectory = info.st_mode & S_IFMT == S_IFDIR
                    throw ShipdeckError(
                        .config,
                        isDirectory
                            ? "archive files: '\(UntrustedText.escape(pattern))' is a directory with no files in it (archives hold files and the folders above them)"
                            : "archive files: '\(UntrustedText.escape(pattern))' is not a regular file (a FIFO, socket or device), which an archive does not hold",
                        hint: isDirectory ? "add a file to it, or remove it from files:" : "remove it from files:")
                }
                throw ShipdeckError(
                    .config, "archive files: '\(pattern)' does not exist in \(root.path)",
                    hint: "fix the path, or remove it from files:")
            }
            if !matched { unmatched.append(pattern) }
        }
        return (found.sorted { $0.key < $1.key }.map { ($0.key, $0.value.0, $0.value.1) }, unmatched)
    }

    static func matches(_ pattern: [String], _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = Array(pattern.dropFirst())
            var tail = path
            while true {
                if matches(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        guard let element = path.first, fnmatch(first, element, FNM_PERIOD) == 0 else { return false }
        return matches(Array(pattern.dropFirst()), path.dropFirst())
    }

    /// Every regular file under `root`, relative, sorted; symbolic links are followed to files only
    /// (`link` is then the link's target, resolved), and links to directories are listed apart.
    ///
    /// A name that is not UTF-8 is listed as such (decoded with U+FFFD in `undecodable`), so a pattern
    /// that takes it fails instead of leaving the file out without a word.
    static func walk(_ root: URL, excluded: Set<String>) throws -> (
        files: [(String, URL, Bool, link: String?)], directoryLinks: [String], undecodable: Set<String>
    ) {
        var out: [(String, URL, Bool, link: String?)] = []
        var directoryLinks: [String] = []
        var undecodable: Set<String> = []
        func visit(_ dir: URL, _ prefix: String) {
            guard let stream = opendir(dir.path) else { return }
            var names: [String] = []
            while let item = readdir(stream) {
                let raw = withUnsafeBytes(of: item.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
                if raw == [UInt8(ascii: ".")] || raw == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
                guard let name = String(validating: raw, as: UTF8.self) else {
                    let lossy = String(decoding: raw, as: UTF8.self)
                    let relative = prefix.isEmpty ? lossy : prefix + "/" + lossy
                    undecodable.insert(relative)
                    out.append((relative, dir.appendingPathComponent(lossy), false, link: nil))
                    continue
                }
                names.append(name)
            }
            closedir(stream)
            for name in names.sorted() {
                let url = dir.appendingPathComponent(name)
                let relative = prefix.isEmpty ? name : prefix + "/" + name
                if prefix.isEmpty, skipped.contains(name) { continue }
                if excluded.contains(url.standardizedFileURL.path) { continue }
                var info = stat(), linkInfo = stat()
                guard stat(url.path, &info) == 0, lstat(url.path, &linkInfo) == 0 else { continue }
                let isLink = (linkInfo.st_mode & S_IFMT) == S_IFLNK
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    if isLink {
                        directoryLinks.append(relative)
                        continue
                    }
                    visit(url, relative)
                } else if (info.st_mode & S_IFMT) == S_IFREG {
                    out.append((relative, url, info.st_mode & 0o111 != 0, isLink ? url.resolvingSymlinksInPath().path : nil))
                }
            }
        }
        visit(root, "")
        return (out, directoryLinks, undecodable)
    }
}
