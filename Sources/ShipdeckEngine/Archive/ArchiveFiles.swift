import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Expands the archive `files:` globs (README*, LICENSE*, docs/**/*) against the module directory.
///
/// `*`, `?` and `[…]` match within one path element, `**` matches any number of elements, and a
/// pattern that names a directory takes the files under it. A pattern without wildcards must
/// exist; a wildcard pattern may match nothing (GoReleaser's README*/LICENSE* defaults rely on that).
enum ArchiveFiles {
    /// Directories never packaged: VCS data and Shipdeck's own output.
    static let skipped: Set<String> = [".git", ".hg", ".svn", "dist", ".build"]

    static func expand(_ patterns: [String], in root: URL, excluding: [URL] = []) throws -> [(
        relative: String, url: URL, executable: Bool
    )] {
        guard !patterns.isEmpty else { return [] }
        let excluded = Set(excluding.map { $0.standardizedFileURL.path })
        let all = try walk(root, excluded: excluded)
        var found: [String: (URL, Bool)] = [:]
        for pattern in patterns {
            let clean = pattern.hasPrefix("./") ? String(pattern.dropFirst(2)) : pattern
            guard !clean.hasPrefix("/"), !clean.split(separator: "/").contains("..") else {
                throw ShipdeckError(
                    .config, "archive files: '\(pattern)' points outside the module",
                    hint: "use paths relative to the module root, such as README.md or docs/*")
            }
            let patternParts = clean.split(separator: "/").map(String.init)
            var matched = false
            for (relative, url, executable) in all {
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
                    matched = true
                    found[relative] = (url, executable)
                }
            }
            if !matched, !clean.contains(where: { "*?[".contains($0) }) {
                throw ShipdeckError(
                    .config, "archive files: '\(pattern)' does not exist in \(root.path)",
                    hint: "fix the path, or remove it from files:")
            }
        }
        return found.sorted { $0.key < $1.key }.map { ($0.key, $0.value.0, $0.value.1) }
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

    /// Every regular file under `root`, relative, sorted; symbolic links are followed to files only.
    static func walk(_ root: URL, excluded: Set<String>) throws -> [(String, URL, Bool)] {
        var out: [(String, URL, Bool)] = []
        func visit(_ dir: URL, _ prefix: String) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
            for name in names.sorted() {
                let url = dir.appendingPathComponent(name)
                let relative = prefix.isEmpty ? name : prefix + "/" + name
                if prefix.isEmpty, skipped.contains(name) { continue }
                if excluded.contains(url.standardizedFileURL.path) { continue }
                var info = stat()
                guard stat(url.path, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    var linkInfo = stat()
                    if lstat(url.path, &linkInfo) == 0, (linkInfo.st_mode & S_IFMT) == S_IFLNK { continue }
                    visit(url, relative)
                } else if (info.st_mode & S_IFMT) == S_IFREG {
                    out.append((relative, url, info.st_mode & 0o111 != 0))
                }
            }
        }
        visit(root, "")
        return out
    }
}
