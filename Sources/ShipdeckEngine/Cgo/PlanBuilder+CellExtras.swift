import Foundation

extension PlanBuilder {
    /// What a cell adds beyond GOOS/GOARCH: cgo through zig, templates in flags and ldflags, and the
    /// archive name and wrapping directory. Decided at plan time so mistakes fail `shipdeck plan`.
    struct CellExtras {
        var environment: [String: String] = [:]
        var buildArguments: [String]
        var archiveName: String?
        var archiveDirectory: String?
    }

    static func cellExtras(
        entry: TargetConfig, config: ShipdeckConfig, toolchain: GoToolchain, options: PlanOptions,
        base: [String: String], values: ReleaseTemplateValues, artifactBase: String,
        buildArguments: [String], source: String
    ) throws -> CellExtras {
        let target = entry.target
        let context = values.context(for: target)
        var extras = CellExtras(
            buildArguments: try buildArguments.map { argument in
                try GoTemplate.render(argument, origin: "\(source): flags/ldflags", context: context)
            })
        if entry.cgo == true {
            extras.environment = try ZigToolchain.cellEnvironment(
                for: target, entry: entry, config: config, toolchain: toolchain, environment: options.environment,
                base: base, source: source)
            // With cgo the external linker (zig) writes the file; Go's -s does not reach it, so without -s
            // here the binary keeps musl's debug info and is twice the size. The rest lets go's two links
            // share one build of zig's libc (ZigToolchain.sharedLibcLinkFlags).
            if let index = extras.buildArguments.firstIndex(of: "-ldflags"), index + 1 < extras.buildArguments.count,
                !extras.buildArguments[index + 1].contains("-extldflags")
            {
                let shared = ZigToolchain.sharedLibcLinkFlags(
                    goos: target.goos, cgoLDFLAGS: entry.env["CGO_LDFLAGS"] ?? config.env["CGO_LDFLAGS"])
                extras.buildArguments[index + 1] += " -extldflags " + shared.extldflags
                if let flags = shared.cgoLDFLAGS { extras.environment["CGO_LDFLAGS"] = flags }
            }
        }
        let format = config.archive.format(for: target.goos)
        let names = try ArchiveNaming.names(
            config: config.archive, format: format, artifactBase: artifactBase,
            values: values, target: target, source: source)
        extras.archiveName = names.name
        extras.archiveDirectory = names.directory
        return extras
    }

    /// The template values of a release (checksum name, archive names, ldflags).
    static func templateValues(
        config: ShipdeckConfig, source: SourceInfo, project: String, version: String,
        epoch: Int64, binary: String, options: PlanOptions
    ) -> ReleaseTemplateValues {
        ReleaseTemplateValues(
            projectName: project, version: version, tag: source.exactTag, commit: source.commit,
            commitTime: source.commitTime, sourceDateEpoch: epoch, binary: binary,
            env: options.environment.merging(config.env) { $1 })
    }
}
