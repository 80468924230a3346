import Foundation
import Yams

extension GoReleaserProject {
    /// Reads a GoReleaser config. Keys Shipdeck implements are read (with YAML anchors and `<<:`
    /// merge keys resolved, as GoReleaser's YAML reader does); GoReleaser keys it does not implement
    /// become `unsupported` entries; a key GoReleaser itself does not know, inside a section Shipdeck
    /// reads, is an error naming it (as `goreleaser check` fails on it).
    package static func read(_ text: String, file: String) throws -> GoReleaserProject {
        let reader = ConfigReader(file: file)
        let root = try ConfigPreflight.compose(text, file: file)
        var project = GoReleaserProject(file: file)
        guard let root else { return project.withDefaults() }
        var parser = Parser(reader: reader)
        try parser.top(root, into: &project)
        project.unsupported = parser.unsupported
        return project.withDefaults()
    }

    /// GoReleaser's `Default()` steps that need the whole file: one build and one archive when none
    /// is given, v1's `format:` folded into `formats:`.
    func withDefaults() -> GoReleaserProject {
        var copy = self
        if copy.archives.isEmpty { copy.archives = [Archive(nameTemplate: Self.defaultArchiveName)] }
        return copy
    }

    /// What Shipdeck does instead of each top-level section it does not read.
    static let insteadOf: [String: String] = [
        "release": "not published from a GoReleaser config; the files are in dist/",
        "signs": "nothing is signed; configure signers in shipdeck.yml",
        "binary_signs": "nothing is signed; configure signers in shipdeck.yml",
        "docker_signs": "nothing is signed",
        "sboms": "no SBOM is written",
        "dockers": "no Docker image is built; shipdeck.yml's images: writes OCI layouts",
        "dockers_v2": "no Docker image is built; shipdeck.yml's images: writes OCI layouts",
        "docker_manifests": "no Docker manifest is pushed",
        "kos": "no ko image is built",
        "gomod": "builds use the module as checked out (GOFLAGS empty, GOPROXY from the environment)",
        "git": "tags are read with git's defaults",
        "metadata": "metadata.json gets the SOURCE_DATE_EPOCH time",
        "universal_binaries": "no macOS universal binary is made from a GoReleaser config (shipdeck.yml's universal_binaries: does)",
        "upx": "binaries are not compressed",
        "notarize": "macOS binaries are not notarized",
        "source": "no source archive is made",
        "report_sizes": "sizes are in artifacts.json",
        "env_files": "tokens are not read from files",
        "announce": "nothing is announced",
        "milestones": "milestones are not closed",
    ]

    struct Parser {
        let reader: ConfigReader
        var unsupported: [Unsupported] = []

        var file: String { reader.file }

        mutating func skip(_ path: String, _ instead: String) {
            unsupported.append(Unsupported(path: path, instead: instead))
        }

        /// The pairs of a mapping with `<<:` merge keys resolved (keys written in the mapping win).
        func pairs(_ node: Node, _ path: String) throws -> [(key: String, node: Node, value: Node)] {
            var explicit: [(String, Node, Node)] = []
            var merged: [(String, Node, Node)] = []
            for (k, v) in try reader.mapping(node, key: path) {
                let key = k.string ?? "?"
                if key == "<<" {
                    let sources: [Node]
                    if case .sequence(let seq) = v { sources = Array(seq) } else { sources = [v] }
                    for source in sources { merged += try pairs(source, path).map { ($0.key, $0.node, $0.value) } }
                } else {
                    explicit.append((key, k, v))
                }
            }
            let written = Set(explicit.map(\.0))
            var seen: Set<String> = []
            let mergedKept = merged.filter { !written.contains($0.0) && seen.insert($0.0).inserted }
            return (explicit + mergedKept).map { (key: $0.0, node: $0.1, value: $0.2) }
        }

        func unknown(_ path: String, _ key: String, at node: Node, known: [String]) -> ShipdeckError {
            reader.unknownKey(path.isEmpty ? key : "\(path).\(key)", at: node, known: known)
        }

        /// A build or archive id: it names folders (`dist/<id>_<target>/`), cells (`<id>:linux/amd64`)
        /// and log files, so it is a plain name: letters, digits, '.', '_', '-', not starting with '.' or '-'.
        func plainID(_ node: Node, _ path: String) throws -> String {
            let id = try reader.string(node, key: path)
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
            guard !id.isEmpty, id.allSatisfy({ allowed.contains($0) }), !id.hasPrefix("."), !id.hasPrefix("-") else {
                throw reader.error(
                    path, at: node, "'\(UntrustedText.escape(id))' is not a plain id",
                    hint: "use letters, digits, '.', '_' and '-' (it names folders and cells), such as cli or server-linux")
            }
            return id
        }

        func bool(_ node: Node, _ path: String) throws -> Bool {
            let text = try reader.string(node, key: path)
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw reader.error(path, at: node, "expected true or false, got '\(UntrustedText.escape(text))'")
            }
        }

        // MARK: Top level

        /// GoReleaser's top-level keys (v1, v2 and Pro), for telling a typo from a section
        /// Shipdeck does not read.
        static let knownTopLevel: Set<String> = GoReleaserConfigFile.goreleaserOnlyKeys.union([
            "env", "checksum", "signs", "sign", "build", "archive", "fpm", "github_urls", "gitlab_urls",
            "gitea_urls", "force_token", "aur_sources", "makeselfs", "flatpaks", "srpm", "monorepo", "includes",
            "variables", "partial", "nightly", "template_files", "before_publish", "dmg", "msi", "pkgs",
            "app_bundles", "npms", "furies", "cloudsmiths", "dockerhub", "retry", "mcp", "docker_digest",
        ])

        mutating func top(_ root: Node, into project: inout GoReleaserProject) throws {
            for (key, keyNode, value) in try pairs(root, "(top level)") {
                switch key {
                case "version":
                    let text = try reader.string(value, key: key)
                    guard let number = Int(text), number == 1 || number == 2 else {
                        throw reader.error(
                            key, at: value, "GoReleaser config version '\(UntrustedText.escape(text))' is not known",
                            hint: "write version: 2 (GoReleaser v2) or leave it out (v1)")
                    }
                    project.schemaVersion = number
                case "project_name": project.projectName = try reader.string(value, key: key)
                case "env": project.env = try envList(value, key)
                case "dist": project.dist = try reader.string(value, key: key)
                case "before":
                    for (k, kn, v) in try pairs(value, key) {
                        guard k == "hooks" else { throw unknown(key, k, at: kn, known: ["hooks"]) }
                        project.beforeHooks = try hooks(v, "before.hooks")
                    }
                case "builds":
                    guard case .sequence(let items) = value else {
                        throw reader.error(key, at: value, "expected a list of builds")
                    }
                    for (index, item) in items.enumerated() {
                        project.builds.append(try build(item, "builds[\(index)]"))
                    }
                case "archives":
                    guard case .sequence(let items) = value else {
                        throw reader.error(key, at: value, "expected a list of archives")
                    }
                    for (index, item) in items.enumerated() {
                        project.archives.append(try archive(item, "archives[\(index)]"))
                    }
                case "archive":
                    // GoReleaser before 0.100 had one `archive:`; later versions read it as `archives: [it]`.
                    project.archives = [try archive(value, "archive")]
                case "checksum": try checksum(value, into: &project)
                case "snapshot":
                    for (k, kn, v) in try pairs(value, key) {
                        switch k {
                        case "version_template", "name_template":
                            project.snapshotTemplate = try reader.string(v, key: "snapshot.\(k)")
                        default: throw unknown(key, k, at: kn, known: ["version_template", "name_template"])
                        }
                    }
                case "release":
                    // Only the repository name matters here (GoReleaser's project_name default).
                    skip(key, GoReleaserProject.insteadOf[key]!)
                    for (k, _, v) in try pairs(value, key) where k == "github" {
                        for (gk, _, gv) in try pairs(v, "release.github") where gk == "name" {
                            project.releaseName = try reader.string(gv, key: "release.github.name")
                        }
                    }
                case "changelog", "nfpms":
                    break  // GoReleaserImport+Changelog.swift / +NFPM.swift read them (GoReleaserImport.parse lists what it does not apply)
                case "pro":
                    skip(key, "GoReleaser Pro features are not read")
                default:
                    if !Self.knownTopLevel.contains(key), !key.hasPrefix("x-"), !key.hasPrefix("."),
                        let near = Suggestions.closest(to: key, in: Self.knownTopLevel.sorted(), limit: 1).first,
                        Suggestions.distance(key, near) <= 2
                    {
                        // A typo of a section (`archivs:`, `buidls:`) would otherwise release with
                        // GoReleaser's defaults for it; goreleaser check fails on it too.
                        throw reader.error(
                            key, at: keyNode, "'\(UntrustedText.escape(key))' is not a GoReleaser key",
                            hint: "did you mean '\(near)'?")
                    }
                    skip(key, GoReleaserProject.insteadOf[key] ?? "not read: Shipdeck builds, archives and checksums")
                }
            }
        }

        /// `env:` as a list of `KEY=VALUE` (or a mapping), in order.
        func envList(_ node: Node, _ path: String) throws -> [String] {
            if case .mapping = node {
                return try pairs(node, path).map { "\($0.key)=\(try reader.string($0.value, key: path))" }
            }
            let items = try reader.strings(node, key: path)
            for item in items where !item.contains("=") || item.hasPrefix("=") {
                throw reader.error(path, at: node, "'\(UntrustedText.escape(item))' is not KEY=VALUE")
            }
            return items
        }

        /// Hooks: a string, a list of strings, or a list of `{cmd, dir, env, output}`.
        mutating func hooks(_ node: Node, _ path: String) throws -> [Hook] {
            if node.isScalar { return [Hook(command: try reader.string(node, key: path), origin: path)] }
            guard case .sequence(let items) = node else {
                throw reader.error(path, at: node, "expected a command or a list of commands")
            }
            var out: [Hook] = []
            for (index, item) in items.enumerated() {
                let itemPath = "\(path)[\(index)]"
                if item.isScalar {
                    out.append(Hook(command: try reader.string(item, key: itemPath), origin: itemPath))
                    continue
                }
                var hook = Hook(command: "", origin: itemPath)
                for (k, kn, v) in try pairs(item, itemPath) {
                    switch k {
                    case "cmd": hook.command = try reader.string(v, key: "\(itemPath).cmd")
                    case "dir": hook.directory = try reader.string(v, key: "\(itemPath).dir")
                    case "env": hook.env = try envList(v, "\(itemPath).env")
                    case "output": _ = try bool(v, "\(itemPath).output")  // the output always goes to the log
                    default: throw unknown(itemPath, k, at: kn, known: ["cmd", "dir", "env", "output"])
                    }
                }
                guard !hook.command.isEmpty else { throw reader.error(itemPath, at: item, "a hook needs cmd:") }
                out.append(hook)
            }
            return out
        }

        // MARK: builds[]

        static let buildKeys = [
            "id", "goos", "goarch", "goamd64", "go386", "goarm", "goarm64", "gomips", "goppc64", "goriscv64", "targets",
            "ignore", "dir", "main", "binary", "hooks", "builder", "mod_timestamp", "skip", "tool", "gobinary", "command",
            "no_unique_dist_dir", "no_main_check", "overrides", "buildmode", "ldflags", "tags", "flags", "asmflags",
            "gcflags", "env",
        ]
        static let ignoreKeys = ["goos", "goarch", "goamd64", "go386", "goarm", "goarm64", "gomips", "goppc64", "goriscv64"]

        mutating func build(_ node: Node, _ path: String) throws -> Build {
            var build = Build(id: "", binary: "")
            for (key, keyNode, v) in try pairs(node, path) {
                let p = "\(path).\(key)"
                switch key {
                case "id": build.id = try plainID(v, p)
                case "main": build.main = try reader.string(v, key: p)
                case "dir": build.directory = try reader.string(v, key: p)
                case "binary": build.binary = try reader.string(v, key: p)
                case "goos": build.goos = try reader.strings(v, key: p)
                case "goarch": build.goarch = try reader.strings(v, key: p)
                case "goamd64", "go386", "goarm", "goarm64", "gomips", "goppc64", "goriscv64":
                    build.variants[key] = try reader.strings(v, key: p)
                case "targets": build.targets = try reader.strings(v, key: p)
                case "ignore":
                    guard case .sequence(let rules) = v else { throw reader.error(p, at: v, "expected a list of rules") }
                    for (index, rule) in rules.enumerated() {
                        var pattern: [String: String] = [:]
                        for (rk, rkn, rv) in try pairs(rule, "\(p)[\(index)]") {
                            guard Self.ignoreKeys.contains(rk) else {
                                throw unknown("\(p)[\(index)]", rk, at: rkn, known: Self.ignoreKeys)
                            }
                            pattern[rk] = try reader.string(rv, key: "\(p)[\(index)].\(rk)")
                            try reader.checkGoReleaserName(
                                rk, pattern[rk]!, prefix: false, path: "\(p)[\(index)].\(rk)", at: rv)
                        }
                        build.ignore.append(pattern)
                    }
                case "env": build.env = try envList(v, p)
                case "flags": build.flags = try reader.strings(v, key: p)
                case "ldflags": build.ldflags = try reader.strings(v, key: p)
                case "tags": build.tags = try reader.strings(v, key: p)
                case "asmflags": build.asmflags = try reader.strings(v, key: p)
                case "gcflags": build.gcflags = try reader.strings(v, key: p)
                case "buildmode":
                    let mode = try reader.string(v, key: p)
                    if mode.isEmpty || mode == "exe" || mode == "pie" || mode == "default" {
                        build.buildmode = mode.isEmpty ? nil : mode
                    } else {
                        skip(p, "buildmode \(mode) is not built: Shipdeck builds executables (pass it in flags: to try)")
                    }
                case "hooks":
                    for (hk, hkn, hv) in try pairs(v, p) {
                        switch hk {
                        case "pre": build.preHooks = try hooks(hv, "\(p).pre")
                        case "post": build.postHooks = try hooks(hv, "\(p).post")
                        default: throw unknown(p, hk, at: hkn, known: ["pre", "post"])
                        }
                    }
                case "skip": build.skip = try reader.string(v, key: p)
                case "builder":
                    let builder = try reader.string(v, key: p)
                    guard builder == "go" else {
                        throw reader.error(
                            p, at: v, "builder '\(UntrustedText.escape(builder))' is not supported",
                            hint: "Shipdeck builds Go; remove this build or set builder: go")
                    }
                case "mod_timestamp":
                    // Shipdeck stamps every file it writes with SOURCE_DATE_EPOCH (the commit time by default).
                    let stamp = try reader.string(v, key: p)
                    if !stamp.replacingOccurrences(of: " ", with: "").contains("{{.CommitTimestamp}}") {
                        skip(p, "files are stamped with SOURCE_DATE_EPOCH (the commit time unless set)")
                    }
                case "no_unique_dist_dir":
                    if try reader.string(v, key: p) != "false" {
                        skip(p, "binaries are kept in dist/<id>_<target>/ (archives and format: binary files are in dist/ as named)")
                    }
                case "no_main_check":
                    _ = try reader.string(v, key: p)  // go build checks the main package
                case "command":
                    let command = try reader.string(v, key: p)
                    if command != "build" { skip(p, "go build is run (command: \(command) is not)") }
                case "tool", "gobinary":
                    skip(p, "the Go from --go, $GO, go: in shipdeck.yml or PATH builds every cell")
                case "overrides":
                    skip(p, "per-target overrides are not applied; every target of the build gets the build's settings")
                default:
                    throw unknown(path, key, at: keyNode, known: Self.buildKeys)
                }
            }
            return build
        }
    }
}
