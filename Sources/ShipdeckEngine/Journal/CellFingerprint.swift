import Crypto
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The input fingerprint of one cell: a SHA-256 over everything that decides the bytes it builds.
///
/// It covers the source tree (every file under the module, go.mod and go.sum included, by path
/// and content; `.git` and the dist folder are left out), a `go.work` in a folder above it, the config file, the Go version
/// (go builds the same bytes with any executable of one version, so a wrapper or another install of it
/// keeps the fingerprint), the cell's target, its child environment, its go
/// arguments, its archive format and names, the C toolchain of a cgo cell (the `CC`/`CXX`
/// executable by path, size and modification time: an upgraded zig at the same path changes it),
/// and Shipdeck's own version. `--resume` keeps a cell only when the fingerprint recorded in the
/// journal equals the one computed now, and the artifact cache is keyed by it, so anything that
/// could change the output forces a rebuild.
///
/// Of the environment, only variables that cannot change the bytes are left out
/// (`ignoredVariables(of:)`): where caches and temporary files go, who the user is and how often
/// go's tools collect garbage, for every cell; and for a pure Go cell (CGO_ENABLED=0, `-trimpath`,
/// no tool run from PATH) also HOME, PATH, GOPATH and GOMODCACHE. So a moved GOCACHE, or a CI runner whose PATH or home differs, still hits.
package struct CellFingerprint: Sendable, Hashable {
    /// Bumped when what goes into the fingerprint changes, so old journals never match by accident.
    package static let scheme = "shipdeck-cell-fingerprint-v4"

    /// Hex SHA-256.
    package let value: String

    /// The fingerprint of `cell` in `plan`, given the hash of the source tree (`sourceTree(of:)`).
    package init(plan: BuildPlan, cell: CellPlan, sourceTree: String) {
        var fields: [(String, String)] = [
            ("scheme", Self.scheme),
            ("shipdeck", Shipdeck.version),
            ("source", sourceTree),
            ("workspace", Self.workspaceFile(above: plan.moduleDirectory)),
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
        let ignored = Self.ignoredVariables(of: cell)
        fields += cell.environment.filter { !ignored.contains($0.key) }.sorted { $0.key < $1.key }
            .map { ("env", "\($0.key)=\($0.value)") }
        // A cgo build without CC/CXX runs go's defaults from PATH: their identity counts as a set one does.
        let cgoOn = cell.info.cgo || cell.environment["CGO_ENABLED"] == "1"
        for (variable, fallback) in [("CC", "gcc"), ("CXX", "g++")] {
            if let command = cell.environment[variable] ?? (cgoOn ? fallback : nil) {
                fields.append(("tool", "\(variable)=" + Self.toolIdentity(command, path: cell.environment["PATH"])))
            }
        }
        // A GOWORK the config sets (the caller's is not passed on): the file here, its folders in the
        // source tree (hashed once per plan, `sourceTree(of:)`).
        if let file = Self.workFile(of: cell, module: plan.moduleDirectory) {
            fields.append(("gowork", "\(file.path) " + ((try? FileDigest.sha256(path: file.path).hex) ?? "unreadable")))
        }
        let goflags = cell.environment["GOFLAGS"].map { $0.split(separator: " ").map(String.init) } ?? []
        fields += Self.argumentFiles(cell.buildArguments + goflags, in: plan.moduleDirectory)
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
        let tree = plan.sourceTree ?? sourceTree(of: plan)
        return Dictionary(
            uniqueKeysWithValues: plan.cells.map {
                ($0.id, CellFingerprint(plan: plan, cell: $0, sourceTree: tree).value)
            })
    }

    /// Where go's build cache, zig's cache and temporary files go, and who the user is: go and zig
    /// key what they cache by its inputs, so a moved cache cannot change a binary (nor can its name).
    static let locationVariables: Set<String> = [
        "GOCACHE", "TMPDIR", "XDG_CACHE_HOME", "ZIG_GLOBAL_CACHE_DIR", "ZIG_LOCAL_CACHE_DIR", "USER", "LOGNAME",
        // How often go's own tools collect garbage (CompilerGarbageCollection), never what they write.
        "GOGC", "GOMEMLIMIT",
    ]

    /// Also irrelevant to a pure Go build with `-trimpath`: go runs its own tools from its GOROOT
    /// (its version is fingerprinted), never from PATH, and the go executable itself was found while planning; the module cache's place (HOME,
    /// GOPATH, GOMODCACHE) does not reach the binary with `-trimpath`, and go.sum checks its content.
    static let pureGoVariables: Set<String> = ["HOME", "PATH", "GOPATH", "GOMODCACHE"]

    /// The environment variables of `cell` left out of its fingerprint. A cgo cell, one without
    /// `-trimpath`, a GoReleaser build with hooks, and one whose go arguments can run another program
    /// (`-toolexec`, `-compiler`, an external linker) keep HOME, PATH, GOPATH and GOMODCACHE in.
    static func ignoredVariables(of cell: CellPlan) -> Set<String> {
        let arguments = cell.buildArguments
        let runsOthers = arguments.contains {
            $0.contains("toolexec") || $0.contains("-compiler") || $0.contains("linkmode") || $0.contains("extld")
        }
        let hooks = cell.goreleaser.map { !$0.preHooks.isEmpty || !$0.postHooks.isEmpty } ?? false
        let pureGo = cell.environment["CGO_ENABLED"] == "0" && !cell.info.cgo && arguments.contains("-trimpath")
            && !runsOthers && !hooks
        return pureGo ? locationVariables.union(pureGoVariables) : locationVariables
    }

    /// The executable a `CC` value runs (its first word, looked up on PATH), as `path size mtime`:
    /// an in-place upgrade (a new zig at the same path) gives another identity.
    static func toolIdentity(_ command: String, path: String?) -> String {
        guard let word = command.split(separator: " ").first.map(String.init) else { return "none" }
        guard let found = word.contains("/") ? word : ProcessRunner.which(word, path: path) else { return "\(word) not found" }
        return fileIdentity(found)
    }

    /// An executable as `resolved-path size mtime` (symbolic links followed).
    static func fileIdentity(_ found: String) -> String {
        let resolved = URL(fileURLWithPath: found).resolvingSymlinksInPath().path
        var info = stat()
        guard stat(resolved, &info) == 0 else { return "\(resolved) unreadable" }
        return "\(resolved) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    /// The `go.work` go would use from a folder above the module (its replace and use lines change
    /// the build), as `path sha256`, or `none`. One inside the module is in the source tree already.
    static func workspaceFile(above module: URL) -> String {
        var folder = module.standardizedFileURL.resolvingSymlinksInPath().deletingLastPathComponent()
        while true {
            let candidate = folder.appendingPathComponent("go.work").path
            if FileManager.default.fileExists(atPath: candidate) {
                return "\(candidate) " + ((try? FileDigest.sha256(path: candidate).hex) ?? "unreadable")
            }
            if folder.path == "/" || folder.path.isEmpty { return "none" }
            folder = folder.deletingLastPathComponent()
        }
    }

    /// The source tree hash of the plan's module, leaving out `.git` and the dist folder, and of every
    /// folder outside it that go reads sources from: a local `replace … => ../lib` of go.mod, and the
    /// `use` and local `replace` folders of the go.work go would use or a cell's `GOWORK` names.
    package static func sourceTree(of plan: BuildPlan) -> String {
        let module = plan.moduleDirectory
        let tree = sourceTree(of: module, excluding: [plan.distDirectory])
        let root = module.standardizedFileURL.resolvingSymlinksInPath().path
        let works = Set(plan.cells.compactMap { workFile(of: $0, module: module) }).flatMap(workspaceFolders)
            .filter { $0 != root && !$0.hasPrefix(root + "/") }
        let outside = Set(localSourceFolders(of: module) + works).sorted()
        guard !outside.isEmpty else { return tree }
        var hasher = SHA256()
        hasher.update(data: Data("module \(tree)\n".utf8))
        for folder in outside {
            let hash = sourceTree(of: URL(fileURLWithPath: folder), excluding: [plan.distDirectory])
            hasher.update(data: Data("local \(folder.utf8.count):\(folder) \(hash)\n".utf8))
        }
        return FileDigest.hex(hasher.finalize())
    }

    /// Folders outside the module whose Go files the build reads, resolved and sorted: go.mod's
    /// replacements by a file path (`./`, `../` or `/`, go's rule), and a go.work's `use` folders and
    /// path replacements (relative to the go.work), for the go.work inside the module or above it.
    static func localSourceFolders(of module: URL) -> [String] {
        let root = module.standardizedFileURL.resolvingSymlinksInPath()
        var folders: Set<String> = []
        func add(_ path: String, relativeTo base: URL) {
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
            let real = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard real != root.path, !real.hasPrefix(root.path + "/") else { return }
            folders.insert(real)
        }
        if let text = try? String(contentsOf: root.appendingPathComponent("go.mod"), encoding: .utf8) {
            for path in GoModDirectives.localPaths(text, keyword: "replace") { add(path, relativeTo: root) }
        }
        var work: URL?
        var folder = root
        while work == nil {
            let candidate = folder.appendingPathComponent("go.work")
            if FileManager.default.fileExists(atPath: candidate.path) { work = candidate }
            if folder.path == "/" || folder.path.isEmpty { break }
            folder = folder.deletingLastPathComponent()
        }
        if let work {
            for folder in workspaceFolders(work) where folder != root.path && !folder.hasPrefix(root.path + "/") {
                folders.insert(folder)
            }
        }
        return folders.sorted()
    }

    /// The go.work a cell's `GOWORK` names (the config's: the caller's is not passed on), if any.
    static func workFile(of cell: CellPlan, module: URL) -> URL? {
        guard let work = cell.environment["GOWORK"], work != "off", !work.isEmpty else { return nil }
        return URL(fileURLWithPath: work, relativeTo: module).standardizedFileURL
    }

    /// The `use` folders and path replacements of a go.work, resolved against its folder.
    static func workspaceFolders(_ work: URL) -> [String] {
        guard let text = try? String(contentsOf: work, encoding: .utf8) else { return [] }
        let base = work.deletingLastPathComponent()
        var folders: Set<String> = []
        for keyword in ["use", "replace"] {
            for path in GoModDirectives.localPaths(text, keyword: keyword) {
                let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
                folders.insert(url.standardizedFileURL.resolvingSymlinksInPath().path)
            }
        }
        return folders.sorted()
    }

    /// Files named by go arguments (`-overlay=FILE` and the files its JSON maps in, `-pgo=FILE`,
    /// `-modfile=FILE`, or any `-flag=PATH` or `-flag PATH` that is a file): by path and content, so a
    /// changed profile or overlay outside the module is a changed input.
    static func argumentFiles(_ arguments: [String], in module: URL) -> [(String, String)] {
        var fields: [(String, String)] = []
        var candidates: [(flag: String, path: String)] = []
        for (index, argument) in arguments.enumerated() {
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("-") {
                candidates.append((String(argument[..<equals]), String(argument[argument.index(after: equals)...])))
            } else if index > 0, arguments[index - 1].hasPrefix("-"), !arguments[index - 1].contains("="),
                !argument.hasPrefix("-")
            {
                candidates.append((arguments[index - 1], argument))
            }
        }
        func digest(_ path: String) -> String? {
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : module.appendingPathComponent(path)
            var info = stat()
            guard !path.isEmpty, stat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
            return (try? FileDigest.sha256(path: url.path).hex) ?? "unreadable"
        }
        for (flag, path) in candidates {
            guard let hash = digest(path) else { continue }
            fields.append(("argfile", "\(path) \(hash)"))
            // An overlay's JSON maps source paths to replacement files: those count too.
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : module.appendingPathComponent(path)
            if flag.hasSuffix("-overlay"), let data = try? Data(contentsOf: url), data.count < 16 << 20,
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let replace = json["Replace"] as? [String: String]
            {
                for (from, to) in replace.sorted(by: { $0.key < $1.key }) {
                    fields.append(("overlay", "\(from) => \(to) \(to.isEmpty ? "deleted" : digest(to) ?? "missing")"))
                }
            }
        }
        return fields
    }

    /// SHA-256 over the sorted list of `path, kind, content hash` of every entry under `directory`.
    /// Symbolic links count by their target and by what go would read through them (the file's
    /// content, the folder's tree); unreadable files count as such, so they never match a readable file.
    package static func sourceTree(of directory: URL, excluding excluded: [URL]) -> String {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath().path
        let skip = Set(excluded.map { $0.standardizedFileURL.resolvingSymlinksInPath().path } + [root + "/.git"])
        var linked: Set<String> = [root]
        return hashTree(root, skip: skip, linkedFolders: &linked)
    }

    /// Entries a tree and the folders linked from it may add up to before the fingerprint gives up on
    /// them (a link to / or to a home folder): past it the tree hashes to a value nothing else has,
    /// so such a cell is always built.
    static let linkedEntryLimit = 200_000

    private static func hashTree(_ root: String, skip: Set<String>, linkedFolders: inout Set<String>) -> String {
        var entries: [String] = []
        walk(root, relative: "", skip: skip, into: &entries, linkedFolders: &linkedFolders)
        if entries.count > linkedEntryLimit { return "too-large-\(UUID().uuidString)" }
        var hasher = SHA256()
        for entry in entries.sorted() { hasher.update(data: Data((entry + "\n").utf8)) }
        return FileDigest.hex(hasher.finalize())
    }

    private static func linkedTree(_ real: String, linkedFolders: inout Set<String>) -> String {
        hashTree(real, skip: [real + "/.git"], linkedFolders: &linkedFolders)
    }

    private static func walk(
        _ path: String, relative: String, skip: Set<String>, into entries: inout [String],
        linkedFolders: inout Set<String>
    ) {
        guard entries.count <= linkedEntryLimit else { return }
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
                // Another release's output folder in the module (a dist/ left by a release with the
                // default --dist, now released elsewhere) is never a build input.
                if relative.isEmpty, access(full + "/" + JournalHeader.fileName, F_OK) == 0 { continue }
                walk(full, relative: rel, skip: skip, into: &entries, linkedFolders: &linkedFolders)
            case S_IFLNK:
                // By its target and what go reads through it: the file's content, or the folder's tree.
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?"
                var resolved = stat()
                var through = "dangling"
                if stat(full, &resolved) == 0 {
                    switch resolved.st_mode & S_IFMT {
                    case S_IFREG: through = (try? FileDigest.sha256(path: full).hex) ?? "unreadable"
                    case S_IFDIR:
                        let real = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
                        // A link back into the tree is hashed where it really is; one out of it, here.
                        through =
                            linkedFolders.insert(real).inserted ? linkedTree(real, linkedFolders: &linkedFolders) : "seen"
                    default: through = "special"
                    }
                }
                entries.append("\(rel)\0link\0\(target)\0\(through)")
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
