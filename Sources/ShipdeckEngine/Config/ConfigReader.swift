import Foundation
import Yams

/// Reads `shipdeck.yml`. Every error names the file, the line and the key.
package struct ConfigReader {
    package static let fileNames = ["shipdeck.yml", "shipdeck.yaml"]

    static let topLevelKeys: Set<String> = [
        "project", "main", "binary", "version_variable", "go", "targets", "env", "flags", "ldflags", "tags",
        "archive", "checksum", "ignore", "signers", "signs", "reproducible", "provenance",
        "images", "publish",
        "sbom", "universal_binaries", "changelog",
        "packages",
        "cache",
        "zig", "smoke", "smoke_args", "timeout", "goarm", "goamd64", "goarm64", "go386", "gomips",
    ]

    let file: String

    package init(file: String) { self.file = file }

    /// Finds the config in `directory`; nil when there is none (zero config).
    package static func locate(in directory: URL) -> URL? {
        fileNames.map { directory.appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    package static func load(_ url: URL) throws -> ShipdeckConfig {
        try ConfigReader(file: url.path).parse(ConfigPreflight.read(url))
    }

    package func parse(_ text: String) throws -> ShipdeckConfig {
        var config = ShipdeckConfig()
        config.path = file
        guard let root = try ConfigPreflight.compose(text, file: file) else { return config }
        let top = try mapping(root, key: "(top level)")
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "project": config.project = try string(value, key: key)
            case "main": config.main = try string(value, key: key)
            case "binary": config.binary = try string(value, key: key)
            case "version_variable": config.versionVariable = try string(value, key: key)
            case "go": config.go = try string(value, key: key)
            case "targets": config.targets = try targets(value)
            case "env": config.env = try environment(value, key: key)
            case "flags": config.flags = try strings(value, key: key)
            case "ldflags": config.ldflags = try strings(value, key: key)
            case "tags": config.tags = try strings(value, key: key)
            case "archive": config.archive = try archive(value)
            case "checksum":
                for (k, v) in try mapping(value, key: key) {
                    switch k.string {
                    case "name": config.checksumName = try string(v, key: "checksum.name")
                    default: throw unknownKey("checksum.\(k.string ?? "?")", at: k, known: ["name"])
                    }
                }
            case "ignore": break  // applied after targets, below
            case "zig": config.zig = try string(value, key: key)
            case "smoke": config.smoke = try bool(value, key: key)
            case "smoke_args": config.smokeArguments = try strings(value, key: key)
            case "timeout":
                let text = try string(value, key: key)
                guard let seconds = DurationValue.seconds(text) else {
                    throw error(key, at: value, "\(UntrustedText.escape(text)) is not a duration",
                                hint: "write a positive duration such as 90s, 5m or 1h30m (a bare number is seconds)")
                }
                config.cellTimeout = seconds
            case "goarm", "goamd64", "goarm64", "go386", "gomips":
                config.variants[key] = try strings(value, key: key)
            case "signers", "signs": config.signers += try signers(value, key: key)
            case "reproducible": config.reproducible = try bool(value, key: key)
            case "provenance": config.provenance = try bool(value, key: key)
            case "images": config.images = try images(value)
            case "sbom": config.sbom = try sbom(value)
            case "universal_binaries": config.universalBinaries = try universalBinaries(value)
            case "changelog": config.changelog = try changelog(value)
            case "publish": config.publish = try publish(value)
            case "packages": config.packages = try packages(value)
            case "cache":
                for (k, v) in try mapping(value, key: key) {
                    guard k.string == "max_size" else { throw unknownKey("cache.\(k.string ?? "?")", at: k, known: ["max_size"]) }
                    let text = try string(v, key: "cache.max_size")
                    guard let bytes = ByteSize.bytes(text) else {
                        throw error("cache.max_size", at: v, "\(UntrustedText.escape(text)) is not a size",
                                    hint: "write a positive size such as 2GiB, 500MiB or 800M")
                    }
                    config.cacheMaxBytes = bytes
                }
            default:
                throw unknownKey(key, at: keyNode, known: Self.topLevelKeys.sorted())
            }
        }
        if !config.variants.isEmpty {
            config.targets = try TargetVariants.expand(config.targets, lists: config.variants, source: file)
        }
        if let ignoreNode = top.first(where: { $0.key.string == "ignore" })?.value {
            let rules = try strings(ignoreNode, key: "ignore")
            for rule in rules {
                guard let pattern = BuildTarget(parsing: rule.replacingOccurrences(of: "*", with: "_any_")) else {
                    throw error("ignore", at: ignoreNode, "'\(UntrustedText.escape(rule))' is not goos/goarch[/variant]",
                                hint: "write rules like windows/arm64, */386 or linux/arm/6")
                }
                // A misspelt rule (`windwos/*`) would drop nothing and the target would be released.
                if pattern.goos != "_any_" {
                    try checkName(pattern.goos, in: Self.knownGOOS, what: "GOOS", key: "ignore", at: ignoreNode)
                }
                if pattern.goarch != "_any_" {
                    try checkName(pattern.goarch, in: Self.knownGOARCH, what: "GOARCH", key: "ignore", at: ignoreNode)
                }
                config.targets.removeAll { entry in
                    let hit = Self.matches(pattern, entry.target)
                    if hit { config.ignored.append((entry.target, rule)) }
                    return hit
                }
            }
        }
        return config
    }

    /// Every GOOS and GOARCH Go has (`go tool dist list`, plus the ports Go has had), for names the
    /// reader checks without a toolchain: `ignore:` rules and `format_overrides:` keys.
    static let knownGOOS = [
        "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl", "netbsd",
        "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
    ]
    static let knownGOARCH = [
        "386", "amd64", "amd64p32", "arm", "arm64", "arm64be", "armbe", "loong64", "mips", "mips64", "mips64le",
        "mips64p32", "mips64p32le", "mipsle", "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390", "s390x", "sparc",
        "sparc64", "wasm",
    ]

    func checkName(_ name: String, in known: [String], what: String, key: String, at node: Node) throws {
        guard !known.contains(name) else { return }
        let near = Suggestions.closest(to: name, in: known, limit: 1)
        throw error(
            key, at: node, "'\(UntrustedText.escape(name))' is not a \(what) Go knows",
            hint: (near.first.map { "did you mean '\($0)'? " } ?? "") + "\(what) values: \(known.joined(separator: ", "))")
    }

    /// A GoReleaser `ignore:` rule's goos/goarch (matched exactly) or a `format_overrides` goos
    /// (GoReleaser takes a prefix: `win` is windows): a value no Go port has is a typo that would
    /// silently match nothing.
    func checkGoReleaserName(_ key: String, _ value: String, prefix: Bool, path: String, at node: Node) throws {
        let known = key == "goos" ? Self.knownGOOS : key == "goarch" ? Self.knownGOARCH : nil
        guard let known, !value.isEmpty,
              !(prefix ? known.contains { $0.hasPrefix(value) } : known.contains(value)) else { return }
        try checkName(value, in: known, what: key == "goos" ? "GOOS" : "GOARCH", key: path, at: node)
    }

    static func matches(_ pattern: BuildTarget, _ target: BuildTarget) -> Bool {
        func ok(_ p: String?, _ v: String?) -> Bool { p == nil || p == "_any_" || p == v }
        return ok(pattern.goos, target.goos) && ok(pattern.goarch, target.goarch)
            && (pattern.variant == nil || ok(pattern.variant, target.variant))
    }

    // MARK: Sections

    private func targets(_ node: Node) throws -> [TargetConfig] {
        guard case .sequence(let seq) = node else {
            throw error("targets", at: node, "expected a list of goos/goarch[/variant] entries")
        }
        return try seq.map { item in
            if let text = item.string, item.isScalar {
                guard let target = BuildTarget(parsing: text) else {
                    throw error("targets", at: item, "'\(text)' is not goos/goarch[/variant]",
                                hint: "write targets like linux/amd64 or linux/arm/7")
                }
                return TargetConfig(target: target, line: item.mark?.line)
            }
            var entry: TargetConfig?
            var env: [String: String] = [:]
            var cgo: Bool?
            var smoke: Bool?
            var zigTarget: String?
            for (k, v) in try mapping(item, key: "targets[]") {
                switch k.string {
                case "target":
                    let text = try string(v, key: "targets[].target")
                    guard let t = BuildTarget(parsing: text) else {
                        throw error("targets[].target", at: v, "'\(text)' is not goos/goarch[/variant]")
                    }
                    entry = TargetConfig(target: t, line: v.mark?.line)
                case "env": env = try environment(v, key: "targets[].env")
                case "cgo": cgo = try bool(v, key: "targets[].cgo")
                case "smoke": smoke = try bool(v, key: "targets[].smoke")
                case "zig_target": zigTarget = try string(v, key: "targets[].zig_target")
                default:
                    throw unknownKey("targets[].\(k.string ?? "?")", at: k, known: ["target", "env", "cgo", "smoke", "zig_target"])
                }
            }
            guard var entry else {
                throw error("targets[]", at: item, "a target entry needs 'target: goos/goarch'")
            }
            entry.env = env
            entry.cgo = cgo
            entry.smoke = smoke
            entry.zigTarget = zigTarget
            return entry
        }
    }

    private func archive(_ node: Node) throws -> ArchiveConfig {
        var archive = ArchiveConfig()
        for (k, v) in try mapping(node, key: "archive") {
            let key = "archive.\(k.string ?? "?")"
            switch k.string {
            case "format": archive.format = try format(v, key: key)
            case "format_overrides":
                for (os, f) in try mapping(v, key: key) {
                    let goos = os.string ?? ""
                    // A misspelt GOOS (`windwos: zip`) would never match, and archives keep the default.
                    try checkName(goos, in: Self.knownGOOS, what: "GOOS", key: "\(key).\(goos)", at: os)
                    archive.formatOverrides[goos] = try format(f, key: "\(key).\(goos)")
                }
            case "files": archive.files = try strings(v, key: key)
            case "wrap_in_directory":
                if let b = v.bool, v.isScalar, v.string == "true" || v.string == "false" {
                    archive.wrapInDirectory = b ? ArchiveNaming.wrapLikeArchive : nil
                } else {
                    archive.wrapInDirectory = try string(v, key: key)
                }
            case "name_template": archive.nameTemplate = try string(v, key: key)
            default:
                throw unknownKey(key, at: k, known: ["format", "format_overrides", "files", "wrap_in_directory",
                                                     "name_template"])
            }
        }
        return archive
    }

    private func format(_ node: Node, key: String) throws -> ArchiveConfig.Format {
        let text = try string(node, key: key)
        guard let f = ArchiveConfig.Format(rawValue: text == "tgz" ? "tar.gz" : text) else {
            throw error(key, at: node, "unknown archive format '\(text)'",
                        hint: "use one of: \(ArchiveConfig.Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return f
    }

    // MARK: Scalars

    func mapping(_ node: Node, key: String) throws -> [(key: Node, value: Node)] {
        guard case .mapping(let m) = node else { throw error(key, at: node, "expected a mapping of key: value") }
        return m.map { ($0.key, $0.value) }
    }

    func string(_ node: Node, key: String) throws -> String {
        guard node.isScalar, let s = node.string else { throw error(key, at: node, "expected a single value") }
        return s
    }

    func bool(_ node: Node, key: String) throws -> Bool {
        guard node.isScalar, let b = node.bool else { throw error(key, at: node, "expected true or false") }
        return b
    }

    func strings(_ node: Node, key: String) throws -> [String] {
        if node.isScalar, let s = node.string { return [s] }
        guard case .sequence(let seq) = node else { throw error(key, at: node, "expected a list of strings") }
        return try seq.map { try string($0, key: key) }
    }

    /// `env:` as a list of `KEY=VALUE` (GoReleaser's form) or a mapping.
    func environment(_ node: Node, key: String) throws -> [String: String] {
        func checkVariable(_ name: String, at node: Node) throws {
            let first = name.unicodeScalars.first
            let ok = first.map { $0 == "_" || ("A"..."Z").contains($0) || ("a"..."z").contains($0) } ?? false
                && name.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("a"..."z").contains($0)
                    || ("0"..."9").contains($0) }
            guard ok else {
                throw error(
                    key, at: node, "'\(UntrustedText.escape(name))' is not an environment variable name",
                    hint: "use letters, digits and '_', not starting with a digit (KEY: value, or KEY=VALUE in a list)")
            }
        }
        if case .mapping = node {
            var env: [String: String] = [:]
            for (k, v) in try mapping(node, key: key) {
                let name = try string(k, key: key)
                try checkVariable(name, at: k)
                env[name] = try string(v, key: "\(key).\(name)")
            }
            return env
        }
        var env: [String: String] = [:]
        for item in try strings(node, key: key) {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw error(key, at: node, "'\(UntrustedText.escape(item))' is not KEY=VALUE")
            }
            try checkVariable(String(item[..<eq]), at: node)
            env[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return env
    }

    // MARK: Errors

    func error(_ key: String, at node: Node, _ message: String, hint: String? = nil) -> ShipdeckError {
        let line = node.mark.map { ":\($0.line)" } ?? ""
        return ShipdeckError(.config, "\(file)\(line): \(key): \(message)", hint: hint)
    }

    func unknownKey(_ key: String, at node: Node, known: [String]) -> ShipdeckError {
        let last = key.split(separator: ".").last.map(String.init) ?? key
        let near = Suggestions.closest(to: last, in: known, limit: 1)
        let hint = near.isEmpty
            ? "known keys: \(known.joined(separator: ", "))"
            : "did you mean '\(near[0])'? known keys: \(known.joined(separator: ", "))"
        return error(key, at: node, "unknown key '\(last)'", hint: hint)
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)" + (context.map { " (\($0.text))" } ?? "")
        default:
            return "\(error)"
        }
    }
}

extension Node {
    var isScalar: Bool { if case .scalar = self { return true } else { return false } }
}
