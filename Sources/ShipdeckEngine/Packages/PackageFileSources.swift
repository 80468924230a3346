import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The extra files of `packages.contents` (GoReleaser's `nfpms[].contents`), resolved against the
/// module. A literal `src` is one file at `dst` (`dst` ending in `/` takes the file's name). A `src`
/// with wildcards (`*`, `?`, `[…]`, `**`, as in archive `files:`) takes every regular file it
/// matches, each at `dst` joined with its path below the matches' common folder — nfpm's rule
/// (internal/glob in goreleaser/nfpm), so `share/man/man1/gh*.1 → /usr/share/man/man1` installs
/// each page under that folder. A wildcard that matches nothing is an error, as in nfpm.
///
/// When files may still be made before the build (a GoReleaser config's `before.hooks`, such as
/// `make manpages`), a missing source is not an error yet: the entry is kept `deferred`, with a
/// warning, and resolved again by the package stage, where it must exist.
struct PackageFileSources: Sendable {
    typealias Fail = @Sendable (_ key: String, _ message: String, _ hint: String) -> ShipdeckError

    let formats: [PackagesConfig.Format]
    let moduleDirectory: URL
    /// Where the binaries go (bindir + executable name): no extra file may take one of them.
    let binaryDestinations: Set<String>
    let fail: Fail

    struct Resolved {
        var files: [PackagesConfig.Format: [PackagePlan.File]]
        var deferred: [PackagesConfig.Content] = []
        var warnings: [String] = []
    }

    /// Resolves `contents` into `files` (which may already hold entries).
    func resolve(
        _ contents: [PackagesConfig.Content], into files: [PackagesConfig.Format: [PackagePlan.File]] = [:],
        missingMayAppearLater: Bool
    ) throws -> Resolved {
        var resolved = Resolved(files: files)
        for format in formats where resolved.files[format] == nil { resolved.files[format] = [] }
        for content in contents {
            let key = Self.key(of: content)
            let sources: [(url: URL, destination: String)]
            do {
                sources = try self.sources(of: content, key: key)
            } catch let missing as Missing where missingMayAppearLater {
                resolved.deferred.append(content)
                resolved.warnings.append(
                    "\(missing.what); it is checked again after the before hooks run (they may make it)")
                continue
            } catch let missing as Missing {
                throw fail("\(key).src", missing.what, missing.hint)
            }
            for (url, destination) in sources {
                var info = stat()
                guard stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                    throw fail(
                        "\(key).src", "'\(UntrustedText.escape(url.path))' is not a regular file",
                        "list each file of a directory as its own entry, or use a wildcard such as dir/*")
                }
                let mode = content.mode ?? (info.st_mode & 0o111 != 0 ? 0o755 : 0o644)
                if binaryDestinations.contains(destination) {
                    throw fail(
                        "\(key).dst", "\(destination) is where the binary goes",
                        "choose another dst, or another packages.bindir")
                }
                for format in formats where content.packager == nil || content.packager == format {
                    if resolved.files[format]!.contains(where: { $0.destination == destination }) {
                        throw fail("\(key).dst", "\(destination) is listed twice", "remove one of the entries")
                    }
                    resolved.files[format]!.append(
                        PackagePlan.File(source: url, destination: destination, mode: mode, kind: content.kind))
                }
            }
        }
        return resolved
    }

    /// `packages.contents[2]` → `contents[2]` (the origin already names the section).
    static func key(of content: PackagesConfig.Content) -> String {
        for section in ["packages.", "nfpms[0]."] where content.key.hasPrefix(section) {
            return String(content.key.dropFirst(section.count))
        }
        return content.key
    }

    struct Missing: Error {
        var what: String
        var hint: String
    }

    static func isWildcard(_ path: String) -> Bool { path.contains { "*?[".contains($0) } }

    private func sources(of content: PackagesConfig.Content, key: String) throws -> [(url: URL, destination: String)] {
        let src = content.source
        guard Self.isWildcard(src) else {
            let url = PackagePlan.resolve(src, in: moduleDirectory)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw Missing(
                    what: "'\(UntrustedText.escape(src))' does not exist in \(moduleDirectory.path)",
                    hint: "fix the path (relative to the module), or remove the entry")
            }
            let destination = content.destination.hasSuffix("/")
                ? content.destination + url.lastPathComponent : content.destination
            return [(url, destination)]
        }
        let matches: [(relative: String, url: URL, executable: Bool)]
        do {
            matches = try ArchiveFiles.resolve([src], in: moduleDirectory, excluding: []).files
        } catch let error as ShipdeckError {
            // ArchiveFiles speaks of archive files; say the key instead.
            throw fail("\(key).src", error.message.replacingOccurrences(of: "archive files: ", with: ""), error.hint ?? "")
        }
        guard !matches.isEmpty else {
            throw Missing(
                what: "'\(UntrustedText.escape(src))' matches no file in \(moduleDirectory.path)",
                hint: "fix the pattern (relative to the module), or remove the entry")
        }
        // nfpm: each match goes to dst joined with its path below the matches' common folder.
        let folders = matches.map { $0.relative.split(separator: "/").dropLast().map(String.init) }
        var common = folders[0]
        for folder in folders.dropFirst() {
            common = Array(zip(common, folder).prefix { $0 == $1 }.map(\.0))
        }
        let base = content.destination.hasSuffix("/") ? String(content.destination.dropLast()) : content.destination
        return matches.map { match in
            let below = match.relative.split(separator: "/").dropFirst(common.count).joined(separator: "/")
            return (match.url, base + "/" + below)
        }
    }
}
