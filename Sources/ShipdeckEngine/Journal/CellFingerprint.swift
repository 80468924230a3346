import Crypto
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The input fingerprint of one cell: a SHA-256 over everything that decides the bytes it builds.
///
/// It covers the source tree (every file under the module, go.mod and go.sum included, by path
/// and content; `.git` and the dist folder are left out), the config file, the Go version, the
/// cell's target, its whole child environment, its go arguments, its archive format and names,
/// the C toolchain of a cgo cell (the `CC`/`CXX` executable by path, size and modification time: an
/// upgraded zig at the same path changes it), and Shipdeck's own version. `--resume` keeps a cell only when the fingerprint recorded in the
/// journal equals the one computed now, so anything that could change the output forces a rebuild.
package struct CellFingerprint: Sendable, Hashable {
    /// Bumped when what goes into the fingerprint changes, so old journals never match by accident.
    package static let scheme = "shipdeck-cell-fingerprint-v2"

    /// Hex SHA-256.
    package let value: String

    /// The fingerprint of `cell` in `plan`, given the hash of the source tree (`sourceTree(of:)`).
    package init(plan: BuildPlan, cell: CellPlan, sourceTree: String) {
        var fields: [(String, String)] = [
            ("scheme", Self.scheme),
            ("shipdeck", Shipdeck.version),
            ("source", sourceTree),
            ("go", plan.toolchain.version),
            ("target", cell.id),
            ("cgo", String(cell.info.cgo)),
            ("main", plan.mainPackage),
            ("binary", cell.binaryName),
            ("executable", cell.executableName),
            ("archive", cell.archiveFormat.rawValue),
            ("smoke", String(cell.smoke)),
        ]
        fields += cell.buildArguments.map { ("arg", $0) }
        fields += cell.environment.sorted { $0.key < $1.key }.map { ("env", "\($0.key)=\($0.value)") }
        for variable in ["CC", "CXX"] {
            if let command = cell.environment[variable] {
                fields.append(("tool", "\(variable)=" + Self.toolIdentity(command, path: cell.environment["PATH"])))
            }
        }
        if let config = plan.config.path {
            fields.append(("config", (try? FileDigest.sha256(path: config).hex) ?? "unreadable"))
        }
        var hasher = SHA256()
        for (key, value) in fields {
            // Length-prefixed, so no two field lists can run together into the same bytes.
            hasher.update(data: Data("\(key):\(value.utf8.count):\(value)\n".utf8))
        }
        value = FileDigest.hex(hasher.finalize())
    }

    /// The fingerprint of `cell`, hashing the source tree now.
    package init(plan: BuildPlan, cell: CellPlan) {
        self.init(plan: plan, cell: cell, sourceTree: Self.sourceTree(of: plan))
    }

    /// Fingerprints of every cell of `plan` (the source tree hashed once).
    package static func all(for plan: BuildPlan) -> [String: String] {
        let tree = sourceTree(of: plan)
        return Dictionary(
            uniqueKeysWithValues: plan.cells.map {
                ($0.id, CellFingerprint(plan: plan, cell: $0, sourceTree: tree).value)
            })
    }

    /// The executable a `CC` value runs (its first word, looked up on PATH), as `path size mtime`:
    /// an in-place upgrade (a new zig at the same path) gives another identity.
    static func toolIdentity(_ command: String, path: String?) -> String {
        guard let word = command.split(separator: " ").first.map(String.init) else { return "none" }
        guard let found = word.contains("/") ? word : ProcessRunner.which(word, path: path) else { return "\(word) not found" }
        let resolved = URL(fileURLWithPath: found).resolvingSymlinksInPath().path
        var info = stat()
        guard stat(resolved, &info) == 0 else { return "\(resolved) unreadable" }
        return "\(resolved) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    /// The source tree hash of the plan's module, leaving out `.git` and the dist folder.
    package static func sourceTree(of plan: BuildPlan) -> String {
        sourceTree(of: plan.moduleDirectory, excluding: [plan.distDirectory])
    }

    /// SHA-256 over the sorted list of `path, kind, content hash` of every entry under `directory`.
    /// Symbolic links count by their target; unreadable files count as such, so they never match a
    /// readable file.
    package static func sourceTree(of directory: URL, excluding excluded: [URL]) -> String {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath().path
        let skip = Set(excluded.map { $0.standardizedFileURL.resolvingSymlinksInPath().path } + [root + "/.git"])
        var entries: [String] = []
        walk(root, relative: "", skip: skip, into: &entries)
        var hasher = SHA256()
        for entry in entries.sorted() { hasher.update(data: Data((entry + "\n").utf8)) }
        return FileDigest.hex(hasher.finalize())
    }

    private static func walk(_ path: String, relative: String, skip: Set<String>, into entries: inout [String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            entries.append("\(relative)\0unreadable-directory")
            return
        }
        for name in names {
            let full = path + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            if skip.contains(full) { continue }
            var info = stat()
            guard lstat(full, &info) == 0 else {
                entries.append("\(rel)\0unreadable")
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walk(full, relative: rel, skip: skip, into: &entries)
            case S_IFLNK:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?"
                entries.append("\(rel)\0link\0\(target)")
            case S_IFREG:
                let digest = (try? FileDigest.sha256(path: full).hex) ?? "unreadable"
                let executable = info.st_mode & S_IXUSR != 0 ? "x" : "-"
                entries.append("\(rel)\0file\0\(executable)\0\(digest)")
            default:
                entries.append("\(rel)\0special")
            }
        }
    }
}
