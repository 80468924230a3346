import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `packages:` checked against the module and the cells, before anything is built: every file
/// exists, every maintainer script is an executable script, every dependency parses, every
/// package name is unique. The package stage only writes what this decided.
struct PackagePlan: Sendable {
    /// A file inside a package.
    struct File: Sendable, Hashable {
        var source: URL
        /// Absolute installed path.
        var destination: String
        var mode: UInt16
        var kind: PackagesConfig.Content.Kind
    }

    /// A maintainer script: the file and the interpreter its `#!` line names.
    struct Script: Sendable, Hashable {
        var source: URL
        var interpreter: String
    }

    /// One package of one cell.
    struct Output: Sendable, Hashable {
        var format: PackagesConfig.Format
        /// `amd64` / `x86_64`.
        var architecture: String
        var fileName: String
    }

    var name: String
    var version: PackageVersion
    var maintainer: String?
    var summary: String
    /// The description's lines after the summary.
    var details: [String]
    var vendor: String?
    var homepage: String?
    var license: String?
    var section: String
    var priority: String
    var bindir: String
    /// Extra files per format (without the binary, which each cell adds).
    var files: [PackagesConfig.Format: [File]]
    var scripts: [String: Script]
    var relations: [PackagesConfig.Format: [(key: String, values: [PackageDependency])]]
    /// Per cell id, the packages to write.
    var outputs: [String: [Output]]
    var epoch: Int64
    /// Contents whose source did not exist yet when the release was planned (GoReleaser before
    /// hooks may make them): the package stage resolves them (`resolvingDeferredContents`).
    var deferredContents: [PackagesConfig.Content] = []
    var contents: PackageFileSources?
    /// Plan-time notes (a deferred content entry).
    var warnings: [String] = []

    /// This plan with the deferred contents resolved; each must exist now.
    func resolvingDeferredContents() throws -> PackagePlan {
        guard !deferredContents.isEmpty, let contents else { return self }
        var copy = self
        copy.files = try contents.resolve(deferredContents, into: files, missingMayAppearLater: false).files
        copy.deferredContents = []
        return copy
    }

    /// Nil when `packages:` is not configured.
    static func prepare(
        config: ShipdeckConfig, project: String, version: String, cells: [CellPlan],
        moduleDirectory: URL, epoch: Int64, contentsMayAppearLater: Bool = false
    ) throws -> PackagePlan? {
        guard let packages = config.packages else { return nil }
        let origin = packages.origin
        @Sendable func fail(_ key: String, _ message: String, hint: String) -> ShipdeckError {
            ShipdeckError(
                .config,
                "\(origin).\(key): \(message)".replacingOccurrences(of: "packages.packages.", with: "packages."),
                hint: hint)
        }
        let name = packages.name ?? project.lowercased()
        guard name.count >= 2,
            name.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)
            }),
            let first = name.unicodeScalars.first, ("a"..."z").contains(first) || ("0"..."9").contains(first)
        else {
            throw fail(
                "name", "'\(UntrustedText.escape(name))' is not a package name",
                hint:
                    "package names are lower-case letters, digits, '+', '-' and '.', starting with a letter or digit; set packages.name"
            )
        }
        let packageVersion: PackageVersion
        do {
            packageVersion = try PackageVersion(version: version, release: packages.release, epoch: packages.epoch)
        } catch let invalid as PackageVersion.Invalid {
            throw fail(
                invalid.key, invalid.reason,
                hint: invalid.key == "version"
                    ? "tag the release with a version such as v1.2.3 or pass --version" : "fix packages.\(invalid.key)")
        }
        if packages.formats.contains(.deb), (packages.maintainer ?? "").isEmpty {
            throw fail(
                "maintainer", "a deb needs a maintainer", hint: "set packages.maintainer: Full Name <email@example.com>"
            )
        }
        for (key, value) in [
            ("maintainer", packages.maintainer), ("vendor", packages.vendor), ("homepage", packages.homepage),
            ("license", packages.license), ("section", packages.section), ("priority", packages.priority),
        ] {
            if let value, value.unicodeScalars.contains(where: UntrustedText.isControl) {
                throw fail(
                    key, "'\(UntrustedText.escape(value))' must be one line without control characters",
                    hint: "put it on one line of plain text (no tabs, escape sequences or bidi controls)")
            }
        }
        // The description may span lines (a summary, then paragraphs), nothing else: dpkg -s,
        // rpm -qi and apt show print it to terminals as it is.
        if let value = packages.description,
            let bad = value.unicodeScalars.first(where: { $0 != "\n" && UntrustedText.isControl($0) })
        {
            let shown =
                bad.value < 0x100
                ? "\\x" + String(bad.value, radix: 16) : "U+" + String(bad.value, radix: 16, uppercase: true)
            throw fail(
                "description", "holds the control character \(shown) (\(UntrustedText.escape(value).prefix(60)))",
                hint: "write plain text; lines break with newlines only")
        }

        // Dependencies: parsed now, so a typo is an error before the builds.
        var relations: [PackagesConfig.Format: [(key: String, values: [PackageDependency])]] = [:]
        for format in packages.formats {
            var lists: [(key: String, values: [PackageDependency])] = []
            for (key, values) in packages.relations(for: format).all where !values.isEmpty {
                let overridden = packages.overrides[format]?[key] != nil
                let path = overridden ? "overrides.\(format.rawValue).\(key)" : key
                var parsed: [PackageDependency] = []
                for (index, text) in values.enumerated() {
                    let dependency: PackageDependency
                    do {
                        dependency = try PackageDependency.parse(text)
                    } catch let error as PackageDependency.SyntaxError {
                        throw fail(
                            "\(path)[\(index)]", "'\(UntrustedText.escape(text))': \(error.reason)",
                            hint: "write NAME, NAME (>= VERSION) or A | B, such as libc6 (>= 2.28)")
                    }
                    if dependency.alternatives.count > 1, !["depends", "recommends", "suggests"].contains(key) {
                        throw fail(
                            "\(path)[\(index)]",
                            "'\(UntrustedText.escape(text))': alternatives ('|') only make sense in depends, recommends and suggests",
                            hint: "list each package on its own")
                    }
                    if key == "provides",
                        dependency.alternatives.contains(where: { $0.constraint.map { $0.op != .equal } ?? false })
                    {
                        throw fail(
                            "\(path)[\(index)]",
                            "'\(UntrustedText.escape(text))': a package can only provide an exact version (=)",
                            hint: "write NAME or NAME (= VERSION)")
                    }
                    parsed.append(dependency)
                }
                lists.append((key, parsed))
            }
            relations[format] = lists
        }

        // Extra files (PackageFileSources.swift): with GoReleaser before hooks, a missing one may still be made.
        let binaryDestinations = Set(cells.map { packages.bindir + "/" + $0.executableName })
        let contents = PackageFileSources(
            formats: packages.formats, moduleDirectory: moduleDirectory, binaryDestinations: binaryDestinations,
            fail: { fail($0, $1, hint: $2) })
        let resolved = try contents.resolve(packages.contents, missingMayAppearLater: contentsMayAppearLater)
        let files = resolved.files

        // Maintainer scripts: executable files that start with #!.
        var scripts: [String: Script] = [:]
        for (key, path) in [
            ("preinstall", packages.scripts.preinstall), ("postinstall", packages.scripts.postinstall),
            ("preremove", packages.scripts.preremove), ("postremove", packages.scripts.postremove),
        ] {
            guard let path else { continue }
            let url = resolve(path, in: moduleDirectory)
            var info = stat()
            guard stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                throw fail(
                    "scripts.\(key)", "'\(UntrustedText.escape(path))' does not exist in \(moduleDirectory.path)",
                    hint: "fix the path (relative to the module), or remove scripts.\(key)")
            }
            guard info.st_mode & 0o100 != 0 else {
                throw fail(
                    "scripts.\(key)",
                    "'\(UntrustedText.escape(path))' is not executable; dpkg runs maintainer scripts directly",
                    hint: "chmod +x \(path) (and commit the mode)")
            }
            let head = (try? FileHandle(forReadingFrom: url).readData(ofLength: 256)) ?? Data()
            let firstLine = String(decoding: head.prefix { $0 != 0x0a }, as: UTF8.self)
            guard firstLine.hasPrefix("#!"),
                let interpreter = firstLine.dropFirst(2).split(separator: " ").first.map(String.init),
                interpreter.hasPrefix("/")
            else {
                throw fail(
                    "scripts.\(key)",
                    "'\(UntrustedText.escape(path))' does not start with a #! line naming its interpreter",
                    hint: "start it with #!/bin/sh")
            }
            scripts[key] = Script(source: url, interpreter: interpreter)
        }

        // Which cells, and what each writes.
        let linux = cells.filter { $0.target.goos == "linux" }
        var chosen = linux
        if let targets = packages.targets {
            for target in targets where !linux.contains(where: { $0.id == target }) {
                throw fail(
                    "targets", "\(UntrustedText.escape(target)) is not a Linux target of this release",
                    hint: "planned Linux targets: \(linux.map(\.id).joined(separator: ", "))")
            }
            chosen = linux.filter { targets.contains($0.id) }
        }
        var outputs: [String: [Output]] = [:]
        var writers: [String: String] = [:]
        for cell in chosen {
            var list: [Output] = []
            for format in packages.formats {
                let arch = format == .deb ? PackageArchitecture.deb(cell.target) : PackageArchitecture.rpm(cell.target)
                guard let arch else {
                    throw fail(
                        "targets", "\(format.rawValue) has no architecture name for \(cell.id)",
                        hint: "list the targets to package with packages.targets")
                }
                let fileName =
                    format == .deb
                    ? "\(name)_\(packageVersion.debFileVersion)_\(arch).deb"
                    : "\(name)-\(packageVersion.upstream)-\(packageVersion.release).\(arch).rpm"
                if let other = writers[fileName] {
                    throw fail(
                        "targets", "\(other) and \(cell.id) would both write \(fileName)",
                        hint: "list one of them in packages.targets (for example packages.targets: [\(other)])")
                }
                writers[fileName] = cell.id
                list.append(Output(format: format, architecture: arch, fileName: fileName))
            }
            outputs[cell.id] = list
        }

        let description = (packages.description ?? "\(name) \(version)").trimmingCharacters(in: .whitespacesAndNewlines)
        var lines = description.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let summary = lines.removeFirst()
        while lines.first == "" { lines.removeFirst() }
        var plan = PackagePlan(
            name: name, version: packageVersion, maintainer: packages.maintainer, summary: summary, details: lines,
            vendor: packages.vendor, homepage: packages.homepage, license: packages.license, section: packages.section,
            priority: packages.priority, bindir: packages.bindir, files: files, scripts: scripts, relations: relations,
            outputs: outputs, epoch: epoch)
        plan.deferredContents = resolved.deferred
        plan.contents = contents
        plan.warnings = resolved.warnings.map { "\(origin): \($0)" }
        return plan
    }

    static func resolve(_ path: String, in module: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : module.appendingPathComponent(path)
    }
}

extension BuildPlan {
    /// The .deb and .rpm file names a cell writes (`packages:`), for `shipdeck plan`; empty when
    /// the cell is not packaged.
    package func packageFiles(of cell: String) -> [String] {
        packages?.outputs[cell]?.map(\.fileName) ?? []
    }
}
