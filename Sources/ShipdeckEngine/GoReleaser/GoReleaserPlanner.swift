import Foundation

/// Plans a release from a GoReleaser config the way GoReleaser would lay it out: one cell per
/// (build × target), binaries named by each build's `binary:` template, archives named and filled
/// by `archives[]` (grouped by platform over the builds in their `ids`), checksums over what
/// GoReleaser's checksum pipe lists. Only `go env`-free values are used here: no process runs.
///
/// Cell ids: with one build, the target (`linux/amd64`, as for shipdeck.yml); with several, the
/// build id before it (`linux:linux/amd64`), so the journal, resume and shards keep them apart.
enum GoReleaserPlanner {
    struct Built {
        var cells: [CellPlan]
        var release: GoReleaserReleasePlan
        var ignored: [(target: BuildTarget, rule: String)]
        var checksumName: String
        var version: String
        var warnings: [String]
    }

    /// One binary: a build for a target, before its cell is assembled.
    struct Binary {
        var build: GoReleaserProject.Build
        var buildIndex: Int
        var target: BuildTarget
        var goreleaserTarget: String
        var fields: [String: String]
        var cellID: String
        var name: String
        var ext: String

        /// `extra.Binary`: the base name without the extension.
        var stem: String {
            let last = (name as NSString).lastPathComponent
            return ext.isEmpty || !last.hasSuffix(ext) ? last : String(last.dropLast(ext.count))
        }
    }

    static func plan(
        _ project: GoReleaserProject, config: ShipdeckConfig, source: SourceInfo, toolchain: GoToolchain,
        options: PlanOptions, projectName: String, epoch: Int64, base: [String: String]
    ) throws -> Built {
        let file = project.file
        var warnings: [String] = []
        var values = try GoReleaserTemplateValues(
            project: project, source: source, projectName: projectName, epoch: epoch, options: options,
            host: toolchain.hostTarget)
        try values.applySnapshot(project)
        let release = values.context()

        // Builds, in file order; GoReleaser's single default build when there is none.
        var builds = project.builds.isEmpty ? [GoReleaserProject.Build(id: "", binary: "")] : project.builds
        for index in builds.indices {
            if builds[index].id.isEmpty { builds[index].id = projectName }
            if builds[index].binary.isEmpty { builds[index].binary = projectName }
        }
        var seenIDs: Set<String> = []
        for build in builds where !seenIDs.insert(build.id).inserted {
            throw ShipdeckError(
                .config, "\(file): found 2 builds with the ID '\(UntrustedText.escape(build.id))'",
                hint: "give each build its own id:")
        }
        builds = try builds.filter { build in
            guard let skip = build.skip else { return true }
            let text = try GoTemplate.render(skip, origin: "\(file): builds[\(build.id)].skip", context: release)
            return text.trimmingCharacters(in: .whitespaces).lowercased() != "true"
        }
        guard !builds.isEmpty else {
            throw ShipdeckError(.config, "\(file): every build is skipped", hint: "remove skip: from at least one build")
        }
        let several = builds.count > 1

        // Binaries.
        var binaries: [Binary] = []
        var ignored: [(target: BuildTarget, rule: String)] = []
        for (index, build) in builds.enumerated() {
            for (target, goreleaserTarget) in try targets(
                of: build, toolchain: toolchain, file: file, warnings: &warnings, ignored: &ignored, several: several)
            {
                let fields = targetFields(target, goreleaserTarget: goreleaserTarget)
                var context = release
                context.fields.merge(fields) { $1 }
                let ext = target.goos == "windows" ? ".exe" : target.goarch == "wasm" ? ".wasm" : ""
                context.fields["Ext"] = ext
                let binary = try GoTemplate.render(
                    build.binary, origin: "\(file): builds[\(index)].binary", context: context)
                guard !binary.isEmpty, !binary.hasPrefix("/"), !binary.split(separator: "/").contains("..") else {
                    throw ShipdeckError(
                        .template, "\(file): builds[\(index)].binary gives '\(UntrustedText.escape(binary))' for \(target)",
                        hint: "the binary must be a relative file name")
                }
                let id = several ? "\(build.id):\(target)" : target.description
                binaries.append(
                    Binary(
                        build: build, buildIndex: index, target: target, goreleaserTarget: goreleaserTarget,
                        fields: fields, cellID: id, name: binary + ext, ext: ext))
            }
        }
        if !options.only.isEmpty {
            let known = binaries.map(\.cellID)
            let unknown = options.only.filter { !known.contains($0) }
            guard unknown.isEmpty else {
                throw ShipdeckError(
                    .target, "--target \(unknown.joined(separator: ", ")) is not in the plan",
                    hint: "planned cells: \(known.joined(separator: ", "))")
            }
            binaries = binaries.filter { options.only.contains($0.cellID) }
        }
        guard !binaries.isEmpty else {
            throw ShipdeckError(.config, "\(file): no targets to build", hint: "list at least one goos and goarch in builds:")
        }

        // Archives: per archive, the binaries of its builds grouped by platform.
        var plans: [String: [GoReleaserArchivePlan]] = [:]
        var releasePlan = GoReleaserReleasePlan(
            projectName: projectName, tag: values.tag, previousTag: project.git.previousTag, version: values.version,
            commit: source.commit ?? "", date: epoch)
        var names: [String: String] = [:]
        func claim(_ name: String, _ owner: String) throws {
            if let other = names[name] {
                throw ShipdeckError(
                    .template, "\(file): \(other) and \(owner) would both write \(name)",
                    hint: "make the archive name_template (or binary:) differ, e.g. with {{ .Os }}, {{ .Arch }} or {{ .Binary }}")
            }
            names[name] = owner
        }
        for (index, archive) in project.archives.enumerated() {
            let members = binaries.filter { archive.ids.isEmpty || archive.ids.contains($0.build.id) }
            var groups: [(key: String, items: [Binary])] = []
            for member in members {
                let key = member.goreleaserTarget
                if let at = groups.firstIndex(where: { $0.key == key }) { groups[at].items.append(member) } else {
                    groups.append((key, [member]))
                }
            }
            let origin = "\(file): archives[\(index)]"
            let isBinary = archive.formats.contains("binary")
            if Set(groups.map(\.items.count)).count > 1, !isBinary, !archive.allowDifferentBinaryCount {
                throw ShipdeckError(
                    .config,
                    "\(origin): the archive has a different number of binaries for some platforms (\(groups.map { "\($0.key): \($0.items.count)" }.joined(separator: ", ")))",
                    hint: "set allow_different_binary_count: true, or give the builds in ids: the same targets")
            }
            for group in groups {
                let first = group.items[0]
                for format in archive.formats(for: first.target.goos) {
                    switch format {
                    case "none": continue
                    case "binary":
                        for member in group.items {
                            let context = archiveContext(release, member, replacements: archive.replacements)
                            let name =
                                try GoTemplate.render(archive.nameTemplate, origin: "\(origin).name_template", context: context)
                                + member.ext
                            try checkName(name, origin: origin, stem: String(name.dropLast(member.ext.count)))
                            try claim(name, member.cellID)
                            let plan = GoReleaserArchivePlan(
                                id: archive.id, format: "binary", name: name, wrap: "", files: [],
                                binaries: [(member.cellID, member.name)], binaryMode: archive.binaryMode)
                            plans[member.cellID, default: []].append(plan)
                            releasePlan.archiveInfo[name] = (archive.id, "binary", "", [member.name], nil)
                        }
                    default:
                        let context = archiveContext(release, first, replacements: archive.replacements)
                        let base = try GoTemplate.render(archive.nameTemplate, origin: "\(origin).name_template", context: context)
                        let name = base + "." + format
                        try checkName(name, origin: origin, stem: base)
                        try claim(name, group.items.map(\.cellID).joined(separator: "+"))
                        let wrapTemplate: String
                        switch archive.wrapInDirectory {
                        case "true": wrapTemplate = archive.nameTemplate
                        case nil, "false", "": wrapTemplate = ""
                        case let template?: wrapTemplate = template
                        }
                        let wrap = try GoTemplate.render(wrapTemplate, origin: "\(origin).wrap_in_directory", context: context)
                        var files = archive.files
                        for i in files.indices {
                            files[i].source = try GoTemplate.render(files[i].source, origin: "\(origin).files[\(i)].src", context: context)
                            files[i].destination = try GoTemplate.render(files[i].destination, origin: "\(origin).files[\(i)].dst", context: context)
                        }
                        // A wrapping directory or a dst that climbs out of the archive (`..`, `\`) fails the plan.
                        let destinations = files.indices.map { ("files[\($0)].dst", files[$0].destination) }
                        for (what, value) in [("wrap_in_directory", wrap)] + destinations where !value.isEmpty {
                            do {
                                try ArchiveEntry.checkPath(GoReleaserArchiveEntries.join(value, "x"))
                            } catch var error as ShipdeckError {
                                error.message = "\(origin).\(what): " + error.message
                                throw error
                            }
                        }
                        let inside = group.items.map { member -> (String, String) in
                            (member.cellID, archive.stripBinaryDirectory ? (member.name as NSString).lastPathComponent : member.name)
                        }
                        let plan = GoReleaserArchivePlan(
                            id: archive.id, format: format, name: name, wrap: wrap, files: files, binaries: inside,
                            binaryMode: archive.binaryMode)
                        if group.items.count == 1 {
                            plans[first.cellID, default: []].append(plan)
                        } else {
                            releasePlan.sharedArchives.append(plan)
                        }
                        releasePlan.archiveInfo[name] = (archive.id, format, wrap, inside.map(\.1), [])
                    }
                }
            }
        }

        // checksums.txt: archives and `format: binary` files, filtered by checksum.ids (archive ids).
        releasePlan.checksumDisabled = project.checksumDisabled
        releasePlan.checksummed = Set(
            releasePlan.archiveInfo.filter { project.checksumIDs.isEmpty || project.checksumIDs.contains($0.value.id) }.keys)
        let checksumName = try GoTemplate.render(project.checksumName, origin: "\(file): checksum.name_template", context: release)
        try checkName(checksumName, origin: "\(file): checksum.name_template")
        releasePlan.beforeHooks = try project.beforeHooks.map {
            try hookPlan($0, context: release, env: values.configEnv, buildEnv: [:], file: file)
        }

        // Cells.
        var cells: [CellPlan] = []
        for binary in binaries {
            cells.append(
                try cell(
                    binary, archives: plans[binary.cellID] ?? [], values: values, release: release, project: project,
                    config: config, base: base, epoch: epoch, several: several))
        }
        return Built(cells: cells, release: releasePlan, ignored: ignored, checksumName: checksumName, version: values.version, warnings: warnings)
    }

    static func checkName(_ name: String, origin: String, stem: String? = nil) throws {
        if let problem = ArchiveNaming.fileNameProblem(name, stem: stem ?? name) {
            throw ShipdeckError(
                .template, "\(origin): the name template gives '\(UntrustedText.escape(name))', \(problem)",
                hint: "the template must give a non-empty name of plain characters, without '/' or '\\'")
        }
    }

    /// The fields of one artifact in an archive's templates, with v1's `replacements` applied to
    /// `.Os .Arch .Arm .Mips .Amd64` (GoReleaser ≤ 1.18's `WithArtifactReplacements`).
    static func archiveContext(_ release: GoTemplate.Context, _ binary: Binary, replacements: [String: String])
        -> GoTemplate.Context
    {
        var context = release
        context.fields.merge(binary.fields) { $1 }
        context.fields["Binary"] = binary.stem
        context.fields["ArtifactName"] = binary.name
        context.fields["ArtifactExt"] = binary.ext
        for key in ["Os", "Arch", "Arm", "Mips", "Amd64"] {
            if let value = context.fields[key], let replaced = replacements[value], !replaced.isEmpty {
                context.fields[key] = replaced
            }
        }
        return context
    }

    /// `.Os .Arch .Arm .Amd64 …` and `.Target` of one target, as GoReleaser's Go builder sets them.
    static func targetFields(_ target: BuildTarget, goreleaserTarget: String) -> [String: String] {
        var fields = [
            "Os": target.goos, "Arch": target.goarch, "Target": goreleaserTarget, "Amd64": "", "I386": "", "Arm": "",
            "Arm64": "", "Mips": "", "Ppc64": "", "Riscv64": "", "Abi": "",
        ]
        let key: [String: String] = [
            "amd64": "Amd64", "386": "I386", "arm": "Arm", "arm64": "Arm64", "mips": "Mips", "mipsle": "Mips",
            "mips64": "Mips", "mips64le": "Mips", "ppc64": "Ppc64", "ppc64le": "Ppc64", "riscv64": "Riscv64",
        ]
        if let field = key[target.goarch] {
            fields[field] = target.variant ?? GoReleaserProject.defaultVariant[target.goarch] ?? ""
        }
        return fields
    }
}
