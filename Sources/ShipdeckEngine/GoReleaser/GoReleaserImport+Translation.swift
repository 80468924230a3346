import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import Yams

/// The shipdeck.yml translation of a GoReleaser config (`shipdeck init --from-goreleaser`): one build,
/// one archive, everything else listed as not carried over.
extension GoReleaserImport {
    /// `shipdeck init --from-goreleaser`: the config translated into shipdeck.yml values.
    package static func translation(_ url: URL, defaultProject: String, environment: [String: String]) throws
        -> ShipdeckConfig
    {
        let text = try read(url)
        var config = try translate(text, file: url.path, defaultProject: defaultProject, environment: environment)
        var module = url.deletingLastPathComponent()
        if module.lastPathComponent == ".config" { module = module.deletingLastPathComponent() }
        try carryDefaults(into: &config, text: text, file: url.path, module: module)
        return config
    }

    /// What GoReleaser does where the config is silent, written out so the shipdeck.yml releases the
    /// same thing: builds[0] without `ldflags:` gets GoReleaser's `-X main.commit/date/builtBy` (the
    /// version Shipdeck sets itself), and archives[0] without `files:` GoReleaser's README, LICENSE and
    /// CHANGELOG patterns — those that match a file in the module, since shipdeck.yml's `files:`
    /// patterns must match.
    static func carryDefaults(into config: inout ShipdeckConfig, text: String, file: String, module: URL) throws {
        guard let root = try ConfigPreflight.compose(text, file: file), case .mapping(let top) = root else { return }
        func first(_ key: String) -> Node.Mapping? {
            guard let value = top[Node(key)] else { return nil }
            if case .sequence(let items) = value, case .mapping(let item)? = items.first { return item }
            if case .mapping(let item) = value, key == "archive" || key == "build" { return item }
            return nil
        }
        let build = first("builds") ?? first("build")
        if build?[Node("ldflags")] == nil {
            config.ldflags = dropDuplicateDefaults(
                GoReleaserProject.defaultLdflags.flatMap { splitFlags($0) }, versionVariable: config.versionVariable)
        }
        let archive = first("archives") ?? first("archive")
        if archive?[Node("files")] == nil, config.archive.format != .binary {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: module.path)) ?? []).filter {
                var isDir: ObjCBool = false
                return FileManager.default.fileExists(atPath: module.appendingPathComponent($0).path, isDirectory: &isDir)
                    && !isDir.boolValue
            }
            config.archive.files = GoReleaserProject.defaultFiles.map(\.source).filter { pattern in
                names.contains { fnmatch(pattern, $0, 0) == 0 }
            }
        }
    }

    package static func translate(
        _ text: String, file: String, defaultProject: String,
        environment: [String: String] = [:]
    ) throws -> ShipdeckConfig {
        let reader = ConfigReader(file: file)
        var config = ShipdeckConfig()
        config.path = file
        config.checksumName = defaultChecksumName
        config.archive.nameTemplate = defaultNameTemplate
        config.archive.format = .targz  // GoReleaser's default everywhere, Windows too (zip only by override)
        let root = try ConfigPreflight.compose(text, file: file)
        var warnings: [String] = []
        func unsupported(_ path: String) {
            warnings.append("\(file): \(path) is not supported by Shipdeck and was ignored")
        }

        guard let root else {
            return try finish(
                config, buildNode: nil, reader: reader, warnings: warnings, defaultProject: defaultProject,
                environment: environment)
        }
        var buildNode: Node?
        for (keyNode, value) in try reader.mapping(root, key: "(top level)") {
            let key = keyNode.string ?? "?"
            switch key {
            case "version": break  // the config schema version (2)
            case "before":
                warnings.append("\(file): before is not supported by shipdeck.yml (its hooks are not run)")
            case "project_name": config.project = try reader.string(value, key: key)
            case "env": config.env = try reader.environment(value, key: key)
            case "builds":
                guard case .sequence(let builds) = value else {
                    throw reader.error(key, at: value, "expected a list of builds")
                }
                for (index, build) in builds.enumerated() where index > 0 {
                    _ = build
                    warnings.append(
                        "\(file): builds[\(index)] is not supported (Shipdeck builds one main package); only builds[0] is used"
                    )
                }
                buildNode = builds.first
            case "archives":
                guard case .sequence(let archives) = value else {
                    throw reader.error(key, at: value, "expected a list of archives")
                }
                if let first = archives.first {
                    try readArchive(first, into: &config, reader: reader, unsupported: unsupported)
                }
                for index in archives.indices.dropFirst() {
                    warnings.append(
                        "\(file): archives[\(index)] is not supported (one archive per target); only archives[0] is used"
                    )
                }
            case "checksum":
                for (k, v) in try reader.mapping(value, key: key) {
                    let name = k.string ?? "?"
                    switch name {
                    case "name_template": config.checksumName = try reader.string(v, key: "checksum.name_template")
                    case "algorithm":
                        let algorithm = try reader.string(v, key: "checksum.algorithm")
                        guard algorithm == "sha256" else {
                            throw reader.error(
                                "checksum.algorithm", at: v, "algorithm \(algorithm) is not supported",
                                hint: "Shipdeck writes sha256 checksums; set algorithm: sha256 or remove it")
                        }
                    default: unsupported("checksum.\(name)")
                    }
                }
            case "changelog", "universal_binaries":  // GoReleaserImport+Changelog.swift
                try importRelease(key, value, into: &config, reader: reader, unsupported: unsupported)
            case "nfpms":  // GoReleaserImport+NFPM.swift
                let notes = try readNFPMs(value, into: &config, reader: reader, unsupported: unsupported)
                warnings += notes
            default:
                unsupported(key)
            }
        }
        return try finish(
            config, buildNode: buildNode, reader: reader, warnings: warnings, defaultProject: defaultProject,
            environment: environment)
    }

    static func finish(
        _ config: ShipdeckConfig, buildNode: Node?, reader: ConfigReader, warnings: [String],
        defaultProject: String, environment: [String: String]
    ) throws -> ShipdeckConfig {
        var config = config
        var warnings = warnings
        try readBuild(
            buildNode, into: &config, reader: reader, defaultProject: defaultProject, environment: environment
        ) {
            warnings.append("\(reader.file): \($0) is not supported by Shipdeck and was ignored")
        }
        config.warnings += warnings
        return config
    }

    // MARK: builds[0]

    static func readBuild(
        _ node: Node?, into config: inout ShipdeckConfig, reader: ConfigReader, defaultProject: String,
        environment: [String: String], unsupported: (String) -> Void
    ) throws {
        var goos = defaultGoos, goarch = defaultGoarch
        var variants: [String: [String]] = ["goarm": ["6"], "goamd64": ["v1"]]
        var explicitTargets: [String]?
        var ignoreRules: [(rule: String, pattern: [String: String])] = []
        var binary: String?
        if let node {
            for (k, v) in try reader.mapping(node, key: "builds[0]") {
                let key = k.string ?? "?"
                let path = "builds[0].\(key)"
                switch key {
                // mod_timestamp: Shipdeck stamps every archive entry with SOURCE_DATE_EPOCH anyway.
                case "id", "mod_timestamp": break
                case "main": config.main = try reader.string(v, key: path)
                case "binary": binary = try reader.string(v, key: path)
                case "goos": goos = try reader.strings(v, key: path)
                case "goarch": goarch = try reader.strings(v, key: path)
                case "goarm", "goamd64", "goarm64", "go386", "gomips": variants[key] = try reader.strings(v, key: path)
                case "targets": explicitTargets = try reader.strings(v, key: path)
                case "env": config.env.merge(try reader.environment(v, key: path)) { $1 }
                case "flags": config.flags = try reader.strings(v, key: path)
                case "ldflags":
                    // GoReleaser passes ldflags as one string per entry; Shipdeck adds its own -s -w -X version first.
                    config.ldflags = try reader.strings(v, key: path).flatMap { splitFlags($0) }
                    config.ldflags = dropDuplicateDefaults(config.ldflags, versionVariable: config.versionVariable)
                case "tags": config.tags = try reader.strings(v, key: path)
                case "ignore":
                    guard case .sequence(let rules) = v else {
                        throw reader.error(path, at: v, "expected a list of rules")
                    }
                    for (index, rule) in rules.enumerated() {
                        var pattern: [String: String] = [:]
                        for (rk, rv) in try reader.mapping(rule, key: "\(path)[\(index)]") {
                            let name = rk.string ?? "?"
                            guard ["goos", "goarch", "goarm", "goamd64", "goarm64", "go386", "gomips"].contains(name)
                            else {
                                unsupported("\(path)[\(index)].\(name)")
                                continue
                            }
                            pattern[name] = try reader.string(rv, key: "\(path)[\(index)].\(name)")
                            try reader.checkGoReleaserName(
                                name, pattern[name]!, prefix: false, path: "\(path)[\(index)].\(name)", at: rv)
                        }
                        let text = pattern.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(
                            separator: ", ")
                        ignoreRules.append(("{\(text)}", pattern))
                    }
                default:
                    unsupported(path)
                }
            }
        }
        var targets: [BuildTarget] = []
        if let explicitTargets {
            for text in explicitTargets {
                let parts = text.split(separator: "_").map(String.init)
                guard parts.count == 2 || parts.count == 3 else {
                    throw ShipdeckError(
                        .config, "\(reader.file): builds[0].targets: '\(text)' is not goos_goarch[_variant]")
                }
                targets.append(
                    BuildTarget(goos: parts[0], goarch: parts[1], variant: parts.count == 3 ? parts[2] : nil))
            }
        } else {
            for os in goos {
                for arch in goarch {
                    let plain = TargetConfig(target: BuildTarget(goos: os, goarch: arch))
                    targets += try TargetVariants.expand([plain], lists: variants, source: reader.file).map(\.target)
                }
            }
        }
        config.targets = []
        for var target in targets {
            // GOAMD64=v1 is Go's default: `linux/amd64` names the same build, and file names omit v1 anyway.
            if target.goarch == "amd64", target.variant == "v1" { target.variant = nil }
            if let rule = ignoreRules.first(where: { matches($0.pattern, target) }) {
                config.ignored.append((target, rule.rule))
            } else {
                config.targets.append(TargetConfig(target: target))
            }
        }
        if let binary {
            let project = config.project ?? defaultProject
            let context = GoTemplate.Context(
                fields: ["ProjectName": project], env: environment.merging(config.env) { $1 })
            config.binary = try GoTemplate.render(binary, origin: "\(reader.file): builds[0].binary", context: context)
        }
    }

    /// A GoReleaser ignore rule: every key it sets must match.
    static func matches(_ pattern: [String: String], _ target: BuildTarget) -> Bool {
        for (key, value) in pattern {
            switch key {
            case "goos": if target.goos != value { return false }
            case "goarch": if target.goarch != value { return false }
            default:
                // A variant key only applies to its own GOARCH.
                guard TargetVariants.keys[key]?.contains(target.goarch) == true, target.variant == value else {
                    return false
                }
            }
        }
        return !pattern.isEmpty
    }

    /// Splits `-s -w -X main.version={{.Version}}` into flags, keeping `{{ … }}` in one piece.
    static func splitFlags(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{", i + 1 < chars.count, chars[i + 1] == "{" { depth += 1; current += "{{"; i += 2; continue }
            if c == "}", i + 1 < chars.count, chars[i + 1] == "}", depth > 0 {
                depth -= 1; current += "}}"; i += 2; continue
            }
            if depth == 0 {
                // Quotes stay in the flag: the go command reads -ldflags with the same quoting rules.
                if let q = quote {
                    if c == q { quote = nil }
                    current.append(c)
                    i += 1
                    continue
                }
                if c == "'" || c == "\"" { quote = c; current.append(c); i += 1; continue }
                if c.isWhitespace {
                    if !current.isEmpty { out.append(current); current = "" }
                    i += 1
                    continue
                }
            }
            current.append(c)
            i += 1
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Shipdeck always passes `-s -w` and `-X main.version=<version>`; repeating them is harmless but
    /// noisy in the plan.
    static func dropDuplicateDefaults(_ flags: [String], versionVariable: String) -> [String] {
        var out: [String] = []
        var index = 0
        while index < flags.count {
            let flag = flags[index]
            if flag == "-s" || flag == "-w" { index += 1; continue }
            if flag == "-X", index + 1 < flags.count, flags[index + 1].hasPrefix(versionVariable + "="),
                flags[index + 1].contains(".Version")
            {
                index += 2
                continue
            }
            if flag.hasPrefix("-X=" + versionVariable + "="), flag.contains(".Version") { index += 1; continue }
            // Keep `-X name=value` together: it reads as one setting in the plan and in shipdeck.yml.
            if flag == "-X", index + 1 < flags.count {
                out.append("-X " + flags[index + 1])
                index += 2
                continue
            }
            out.append(flag)
            index += 1
        }
        return out
    }

    // MARK: archives[0]

    static func readArchive(
        _ node: Node, into config: inout ShipdeckConfig, reader: ConfigReader,
        unsupported: (String) -> Void
    ) throws {
        func format(_ value: Node, _ path: String) throws -> ArchiveConfig.Format {
            let formats = try reader.strings(value, key: path)
            guard let first = formats.first else { throw reader.error(path, at: value, "expected a format") }
            if formats.count > 1 {
                unsupported("\(path) beyond the first (\(formats.dropFirst().joined(separator: ", ")))")
            }
            let name = first == "tgz" ? "tar.gz" : first
            guard let parsed = ArchiveConfig.Format(rawValue: name) else {
                throw reader.error(
                    path, at: value, "archive format '\(first)' is not supported",
                    hint: "Shipdeck writes: \(ArchiveConfig.Format.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return parsed
        }
        for (k, v) in try reader.mapping(node, key: "archives[0]") {
            let key = k.string ?? "?"
            let path = "archives[0].\(key)"
            switch key {
            case "id", "builds", "ids": break
            case "format", "formats": config.archive.format = try format(v, path)
            case "name_template": config.archive.nameTemplate = try reader.string(v, key: path)
            case "wrap_in_directory":
                let text = try reader.string(v, key: path)
                config.archive.wrapInDirectory =
                    text == "true" ? ArchiveNaming.wrapLikeArchive : text == "false" ? nil : text
            case "files":
                guard case .sequence(let items) = v else { throw reader.error(path, at: v, "expected a list of files") }
                for (index, item) in items.enumerated() {
                    if item.isScalar, let text = item.string {
                        config.archive.files.append(text)
                        continue
                    }
                    for (fk, fv) in try reader.mapping(item, key: "\(path)[\(index)]") {
                        if fk.string == "src" {
                            config.archive.files.append(try reader.string(fv, key: "\(path)[\(index)].src"))
                        } else {
                            unsupported("\(path)[\(index)].\(fk.string ?? "?")")
                        }
                    }
                }
            case "format_overrides":
                guard case .sequence(let items) = v else {
                    throw reader.error(path, at: v, "expected a list of overrides")
                }
                for (index, item) in items.enumerated() {
                    var goos: String?
                    var chosen: ArchiveConfig.Format?
                    for (ok, ov) in try reader.mapping(item, key: "\(path)[\(index)]") {
                        switch ok.string {
                        case "goos":
                            goos = try reader.string(ov, key: "\(path)[\(index)].goos")
                            try reader.checkGoReleaserName(
                                "goos", goos!, prefix: true, path: "\(path)[\(index)].goos", at: ov)
                        case "format", "formats": chosen = try format(ov, "\(path)[\(index)].\(ok.string!)")
                        default: unsupported("\(path)[\(index)].\(ok.string ?? "?")")
                        }
                    }
                    guard let goos, let chosen else {
                        throw reader.error("\(path)[\(index)]", at: item, "an override needs goos: and formats:")
                    }
                    config.archive.formatOverrides[goos] = chosen
                }
            default:
                unsupported(path)
            }
        }
    }

    /// Drops targets Go cannot build (GoReleaser's default matrix has darwin/386, for example) and
    /// records them, so the plan lists them.
}
