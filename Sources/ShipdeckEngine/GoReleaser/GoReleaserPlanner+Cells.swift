import Foundation

extension GoReleaserPlanner {
    /// Stands for the built binary's path in hook templates (`{{ .Path }}`); replaced when the hook runs.
    static let pathMarker = "\u{1}SHIPDECK_BINARY_PATH\u{1}"

    static let firstClassTargets = [
        "darwin_amd64", "darwin_arm64", "linux_386", "linux_amd64", "linux_arm", "linux_arm64", "windows_386",
        "windows_amd64",
    ]

    /// GoReleaser's `fixTarget`: a target without a variant gets the default one (`linux_amd64` → `linux_amd64_v1`).
    static func fixTarget(_ text: String) -> String {
        let parts = text.split(separator: "_")
        guard parts.count == 2, let variant = GoReleaserProject.defaultVariant[String(parts[1])] else { return text }
        return text + "_" + variant
    }

    /// A build's targets in GoReleaser's order: `targets:` sorted, or goos × goarch × variants minus
    /// `ignore:` rules; targets this Go cannot build are left out with a warning (GoReleaser leaves
    /// out the ones it does not know).
    static func targets(
        of build: GoReleaserProject.Build, toolchain: GoToolchain, file: String, warnings: inout [String],
        ignored: inout [(target: BuildTarget, rule: String)], several: Bool
    ) throws -> [(BuildTarget, String)] {
        var raw: [(goos: String, goarch: String, variant: String?)] = []
        if let explicit = build.targets {
            var set: Set<String> = []
            for text in explicit {
                if text == "go_first_class" || text == "go_118_first_class" {
                    for t in firstClassTargets { set.insert(fixTarget(t)) }
                } else {
                    set.insert(fixTarget(text))
                }
            }
            for text in set.sorted() {
                let parts = text.split(separator: "_", maxSplits: 2).map(String.init)
                guard parts.count >= 2 else {
                    throw ShipdeckError(
                        .config, "\(file): builds[\(build.id)].targets: '\(UntrustedText.escape(text))' is not goos_goarch[_variant]")
                }
                raw.append((parts[0], parts[1], parts.count > 2 ? parts[2] : nil))
            }
        } else {
            for goos in build.goos {
                for goarch in build.goarch {
                    if let key = GoReleaserProject.variantKey[goarch] {
                        for value in build.variants[key] ?? GoReleaserProject.defaultVariants[key] ?? [] {
                            raw.append((goos, goarch, value))
                        }
                    } else {
                        raw.append((goos, goarch, nil))
                    }
                }
            }
            raw = raw.filter { t in
                let hit = build.ignore.first { rule in
                    rule.allSatisfy { key, value in
                        switch key {
                        case "goos": return t.goos == value
                        case "goarch": return t.goarch == value
                        default: return GoReleaserProject.variantKey[t.goarch] == key && t.variant == value
                        }
                    }
                }
                guard let hit else { return true }
                let text = "{" + hit.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
                var variant = t.variant
                if t.goarch != "arm", variant == GoReleaserProject.defaultVariant[t.goarch] { variant = nil }
                ignored.append((BuildTarget(goos: t.goos, goarch: t.goarch, variant: variant), several ? "build \(build.id): \(text)" : text))
                return false
            }
        }
        var out: [(BuildTarget, String)] = []
        for t in raw {
            let text = [t.goos, t.goarch, t.variant].compactMap { $0 }.joined(separator: "_")
            // A name no Go port has ever had is a typo (`darwn`), not a port this Go lacks.
            for (value, known, what) in [
                (t.goos, ConfigReader.knownGOOS, "goos"), (t.goarch, ConfigReader.knownGOARCH, "goarch"),
            ] where !known.contains(value) {
                let near = Suggestions.closest(to: value, in: known, limit: 1).first
                throw ShipdeckError(
                    .config, "\(file): build \(build.id): \(what) '\(UntrustedText.escape(value))' is not a name Go knows",
                    hint: (near.map { "did you mean '\($0)'? " } ?? "") + "\(what) values: \(known.joined(separator: ", "))")
            }
            guard toolchain.ports["\(t.goos)/\(t.goarch)"] != nil else {
                warnings.append("\(file): build \(build.id): \(t.goos)/\(t.goarch) is not a port of \(toolchain.version); left out")
                continue
            }
            // The default variant is Go's own default: the cell is the plain target (`linux/amd64`).
            // GOARM is the exception: Go's default (7 when cross-compiling) is not GoReleaser's (6).
            var variant = t.variant
            if t.goarch != "arm", variant == GoReleaserProject.defaultVariant[t.goarch] { variant = nil }
            if let v = variant, v.contains(",") {
                throw ShipdeckError(
                    .config, "\(file): build \(build.id): GOARM '\(UntrustedText.escape(v))' (an ABI suffix) is not supported",
                    hint: "use a plain GOARM value such as 6 or 7")
            }
            let target = BuildTarget(goos: t.goos, goarch: t.goarch, variant: variant)
            try toolchain.validate(target, source: "\(file): build \(build.id)")
            out.append((target, text))
        }
        return out
    }

    /// `os.ExpandEnv` on a build's env values, as GoReleaser does before templating them.
    static func expandEnv(_ text: String, _ env: [String: String]) -> String {
        var out = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            guard chars[i] == "$", i + 1 < chars.count else { out.append(chars[i]); i += 1; continue }
            var name = ""
            if chars[i + 1] == "{", let close = chars[(i + 2)...].firstIndex(of: "}") {
                name = String(chars[(i + 2)..<close])
                i = close + 1
            } else {
                var j = i + 1
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { name.append(chars[j]); j += 1 }
                if name.isEmpty { out.append("$"); i += 1; continue }
                i = j
            }
            out += env[name] ?? ""
        }
        return out
    }

    /// Splits a hook's command line like go-shellwords (quotes and backslashes; no expansion, no shell).
    static func shellWords(_ text: String, origin: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var chars = Substring(text)
        while let c = chars.popFirst() {
            if let q = quote {
                if c == q { quote = nil; continue }
                if c == "\\", q == "\"", let next = chars.first, "\"\\$`".contains(next) { current.append(chars.removeFirst()); continue }
                current.append(c)
                continue
            }
            switch c {
            case "'", "\"": quote = c; inWord = true
            case "\\": if let next = chars.popFirst() { current.append(next); inWord = true }
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(c); inWord = true
            }
        }
        guard quote == nil else {
            throw ShipdeckError(.config, "\(origin): unclosed quote in hook '\(UntrustedText.escape(text))'", hint: "close the quote")
        }
        if inWord { words.append(current) }
        return words
    }

    static func hookPlan(
        _ hook: GoReleaserProject.Hook, context: GoTemplate.Context, env: [String: String], buildEnv: [String: String],
        file: String
    ) throws -> GoReleaserHookPlan {
        var context = context
        var environment = env.merging(buildEnv) { $1 }
        for entry in hook.env {
            let rendered = try GoTemplate.render(entry, origin: "\(file): \(hook.origin).env", context: context)
            if let eq = rendered.firstIndex(of: "="), eq != rendered.startIndex {
                environment[String(rendered[..<eq])] = String(rendered[rendered.index(after: eq)...])
            }
        }
        context.env.merge(environment) { $1 }
        let command = try GoTemplate.render(hook.command, origin: "\(file): \(hook.origin)", context: context)
        let arguments = try shellWords(command, origin: "\(file): \(hook.origin)")
        guard !arguments.isEmpty else {
            throw ShipdeckError(.config, "\(file): \(hook.origin): the hook is empty", hint: "give the command to run, or remove it")
        }
        let directory = try GoTemplate.render(hook.directory ?? "", origin: "\(file): \(hook.origin).dir", context: context)
        return GoReleaserHookPlan(arguments: arguments, directory: directory, environment: environment, origin: hook.origin)
    }

    static func cell(
        _ binary: Binary, archives: [GoReleaserArchivePlan], values: GoReleaserTemplateValues,
        release: GoTemplate.Context, project: GoReleaserProject, config: ShipdeckConfig, base: [String: String],
        epoch: Int64, several: Bool
    ) throws -> CellPlan {
        let file = project.file
        let build = binary.build
        let origin = "\(file): builds[\(binary.buildIndex)]"
        let target = binary.target
        var context = release
        context.fields.merge(binary.fields) { $1 }
        context.fields["Binary"] = binary.stem
        context.fields["Name"] = binary.name
        context.fields["Ext"] = binary.ext
        context.fields["Path"] = pathMarker
        context.fields["ArtifactName"] = binary.name
        context.fields["ArtifactExt"] = binary.ext

        // Environment: the config's env, then the build's (each entry sees the ones before), then the target's.
        var buildEnv: [String: String] = [:]
        for entry in build.env {
            let expanded = expandEnv(entry, context.env)
            let rendered = try GoTemplate.render(expanded, origin: "\(origin).env", context: context)
            guard let eq = rendered.firstIndex(of: "="), eq != rendered.startIndex else {
                throw ShipdeckError(.config, "\(origin).env: '\(UntrustedText.escape(rendered))' is not KEY=VALUE")
            }
            var value = String(rendered[rendered.index(after: eq)...])
            // GoReleaser's env values keep their quotes only inside a shell; `KEY="x"` means x.
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = String(value.dropFirst().dropLast()) }
            buildEnv[String(rendered[..<eq])] = value
            context.env[String(rendered[..<eq])] = value
        }
        var cellEnv = values.configEnv.merging(buildEnv) { $1 }.filter { !PlanBuilder.reserved.contains($0.key) }
        cellEnv["GOOS"] = target.goos
        cellEnv["GOARCH"] = target.goarch
        if let variable = target.variantVariable, let variant = target.variant { cellEnv[variable] = variant }
        if cellEnv["CGO_ENABLED"] == nil { cellEnv["CGO_ENABLED"] = "0" }
        cellEnv["SOURCE_DATE_EPOCH"] = String(epoch)

        // go build [flags] [-asmflags=] [-gcflags=] [-tags=] -ldflags= [-buildmode=], GoReleaser's order,
        // after Shipdeck's reproducible -trimpath -buildvcs=false (and -buildid= in the ldflags).
        func render(_ items: [String], _ key: String) throws -> [String] {
            try items.map { try GoTemplate.render($0, origin: "\(origin).\(key)", context: context) }.filter { !$0.isEmpty }
        }
        let flags = try render(build.flags, "flags")
        var arguments = ["build"]
        for own in ["-trimpath", "-buildvcs=false"] where !flags.contains(own) { arguments.append(own) }
        arguments += flags
        arguments += try render(build.asmflags, "asmflags").map { "-asmflags=" + $0 }
        arguments += try render(build.gcflags, "gcflags").map { "-gcflags=" + $0 }
        let tags = try render(build.tags, "tags")
        if !tags.isEmpty { arguments.append("-tags=" + tags.joined(separator: ",")) }
        let ldflags = try render(build.ldflags ?? GoReleaserProject.defaultLdflags, "ldflags")
        arguments.append("-ldflags=" + (ldflags + ["-buildid="]).joined(separator: " "))
        if let mode = build.buildmode { arguments.append("-buildmode=" + mode) }

        let hookEnv = values.configEnv
        let pre = try build.preHooks.map { try hookPlan($0, context: context, env: hookEnv, buildEnv: buildEnv, file: file) }
        let post = try build.postHooks.map { try hookPlan($0, context: context, env: hookEnv, buildEnv: buildEnv, file: file) }

        let main = build.main.hasPrefix(".") || build.main.hasPrefix("/") ? build.main : "./" + build.main
        let directory = build.directory == "." ? "" : build.directory
        let distPath = "\(build.id)_\(binary.goreleaserTarget)/\(binary.name)"
        var fields: [String: String] = [:]
        let variantKey: [String: String] = [
            "Amd64": "goamd64", "I386": "go386", "Arm": "goarm", "Arm64": "goarm64", "Mips": "gomips", "Ppc64": "goppc64",
            "Riscv64": "goriscv64",
        ]
        for (field, key) in variantKey where !(binary.fields[field] ?? "").isEmpty { fields[key] = binary.fields[field] }
        let goreleaser = GoReleaserCell(
            buildID: build.id, target: binary.goreleaserTarget, variantFields: fields, binaryName: binary.name,
            binaryStem: binary.stem, ext: binary.ext, distPath: distPath, mainPackage: main, directory: directory,
            preHooks: pre, postHooks: post, archives: archives)
        let artifactBase = "\(values.fields["ProjectName"] ?? "")_\(values.version)_\(target.goos)_\(target.archInFileName)"
        var cell = CellPlan(
            info: CellInfo(id: binary.cellID, target: target, artifactBase: artifactBase),
            binaryName: distPath, executableName: (binary.name as NSString).lastPathComponent,
            archiveFormat: .binary, buildArguments: arguments, cellEnvironment: cellEnv,
            environment: base.merging(cellEnv) { $1 }, smoke: false)
        cell.goreleaser = goreleaser
        _ = several
        _ = config
        return cell
    }
}
