import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Checks made while a release is planned, so that what would break a build (or, worse, release
/// something broken) is an error with the key and a hint before anything builds: exit 2.
enum PlanChecks {
    /// Project and binary names this long already make unwieldy file names.
    static let maximumNameLength = 100
    /// Longer than any version scheme in use (semver with pre-release and build metadata included).
    static let maximumVersionLength = 128
    /// Linux refuses a single argument longer than this (`MAX_ARG_STRLEN`, 32 pages) with E2BIG.
    static let maximumArgumentLength = 128 * 1024
    /// Room left below ARG_MAX for what Shipdeck adds later (the output path, a longer main path).
    static let commandLineMargin = 16 * 1024
    /// A file name in dist/ (with the longest signature suffix) must fit one directory entry.
    static let maximumFileName = 255

    /// `--version` / the version from git: one token of letters, digits and `.+-_~`, starting with
    /// a letter or digit (`1.0 beta` would end up as two linker arguments).
    static func version(_ version: String, what: String) throws {
        guard version.utf8.count <= maximumVersionLength else {
            throw ShipdeckError(
                .config, "\(what) is \(version.utf8.count) bytes long; at most \(maximumVersionLength) are allowed",
                hint: "use a version such as 1.2.3 or 1.2.3-rc.1+build.5")
        }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_~")
        let alphanumeric = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let bad = version.unicodeScalars.first { !allowed.contains($0) }
        if let bad {
            let shown = bad == " " ? "a space" : "'\(UntrustedText.escape(String(bad)))'"
            throw ShipdeckError(
                .config, "\(what) '\(UntrustedText.escape(version))' is not a valid version: it contains \(shown)",
                hint: "use letters, digits and . + - _ ~ only, such as 1.0.0-beta")
        }
        if let first = version.unicodeScalars.first, !alphanumeric.contains(first) {
            throw ShipdeckError(
                .config,
                "\(what) '\(UntrustedText.escape(version))' is not a valid version: it must start with a letter or digit",
                hint: "use a version such as 1.2.3")
        }
    }

    /// Project and binary: bounded length (they are parts of every artifact name).
    static func nameLength(_ value: String, what: String) throws {
        guard value.utf8.count <= maximumNameLength else {
            throw ShipdeckError(
                .config, "\(what) is \(value.utf8.count) bytes long; at most \(maximumNameLength) are allowed",
                hint: "use a shorter name; it becomes part of every artifact's file name")
        }
    }

    /// Every file a cell writes must have a name the file system takes, signatures included.
    static func fileNames(_ names: [String], source: String) throws {
        let suffix = ".minisig".utf8.count + 8  // the longest signature suffix, plus room for a custom one
        if let long = names.first(where: { $0.utf8.count + suffix > maximumFileName }) {
            throw ShipdeckError(
                .config,
                "\(source): the artifact name \(UntrustedText.escape(long)) is \(long.utf8.count) bytes; with a signature suffix it would not fit a file name (\(maximumFileName) bytes)",
                hint: "shorten project:, the version or the archive name_template")
        }
    }

    /// `images:` writes its OCI layout to dist/<folder>/ after the cells: a folder named as a release
    /// file (a binary, an archive, a package, checksums.txt, a signature or document of one) would
    /// replace that file, or fail on it, once everything is built. Refused while planning.
    static func imageLayoutFolder(_ plan: BuildPlan, source: String) throws {
        guard let images = plan.config.images else { return }
        let name = images.name ?? plan.info.project.lowercased()
        guard let folder = name.split(separator: "/").first.map(String.init) else { return }
        var files = [plan.config.checksumName, ArtifactsManifest.fileName]
        for cell in plan.cells {
            files += [cell.binaryName] + (cell.archiveName.map { [$0] } ?? []) + plan.packageFiles(of: cell.id)
        }
        if let universal = plan.universal {
            files += [universal.binaryName] + (universal.archiveName.map { [$0] } ?? [])
        }
        // Every release file of the plan's own naming starts with <project>_<version> (the provenance too).
        let releasePrefix = "\(plan.info.project)_\(plan.info.version)"
        let clash = files.first { folder == $0 } ?? files.first { folder.hasPrefix($0 + ".") }
            ?? (folder.hasPrefix(releasePrefix) ? releasePrefix + "…" : nil)
        if let clash {
            throw ShipdeckError(
                .config,
                "\(source): images: name '\(UntrustedText.escape(name))' would write the image layout to "
                    + "dist/\(UntrustedText.escape(folder))/, where the release writes \(UntrustedText.escape(clash))",
                hint: "choose an image name that is not a release file's, such as '\(plan.info.project.lowercased())'")
        }
    }

    /// Lays out every cell's archive as it will be written (binary, `files:`, wrapping directory), so a
    /// path that leaves the archive or a file that would stand where a directory must fails the plan.
    static func archiveLayouts(
        _ cells: [CellPlan], files found: [(relative: String, url: URL, executable: Bool)], distDir: URL, source: String
    ) throws {
        let binary = distDir.appendingPathComponent(".shipdeck/binary")
        for cell in cells where cell.archiveFormat != .binary {
            do {
                let entries = try ArchiveStage.entries(cell: cell, binary: binary, files: found)
                if cell.archiveFormat == .zip { try windowsNames(entries.map(\.path)) }
            } catch var error as ShipdeckError {
                error.message = "\(source): \(cell.id): " + error.message
                throw error
            }
        }
    }

    /// A zip is unpacked on Windows: no `:` (a drive or a stream there), and no two names that differ
    /// only in case (one would overwrite the other).
    static func windowsNames(_ paths: [String]) throws {
        if let bad = paths.first(where: { $0.contains(":") }) {
            throw ShipdeckError(
                .config, "the zip entry '\(UntrustedText.escape(bad))' has a ':', which Windows reads as a drive or a stream",
                hint: "rename it, or leave it out of files:")
        }
        var seen: [String: String] = [:]
        for path in paths {
            if let other = seen.updateValue(path, forKey: path.lowercased()), other != path {
                throw ShipdeckError(
                    .config,
                    "the zip entries '\(UntrustedText.escape(other))' and '\(UntrustedText.escape(path))' differ only in case: unpacked on Windows or macOS, one overwrites the other",
                    hint: "rename one of them, or leave one out of files:")
            }
        }
    }

    /// `version_variable:` becomes `-X NAME=VERSION` inside one `-ldflags` word.
    static func versionVariable(_ name: String, source: String) throws {
        guard !name.isEmpty,
            !name.unicodeScalars.contains(where: {
                $0 == " " || $0 == "\t" || $0 == "'" || $0 == "\"" || $0 == "=" || $0.value < 0x20
            })
        else {
            throw ShipdeckError(
                .config, "\(source): version_variable: '\(UntrustedText.escape(name))' is not a Go symbol path",
                hint:
                    "write the package path and variable, such as main.version or example.com/app/internal/build.Version"
            )
        }
    }

    /// `main:` must stay inside the module (a path through `..` or a symbolic link that leaves it
    /// would build someone else's code).
    static func mainInsideModule(_ mainDirectory: String, given: String, module: URL, source: String) throws {
        let real = URL(fileURLWithPath: mainDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        let root = module.standardizedFileURL.resolvingSymlinksInPath().path
        guard real == root || real.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw ShipdeckError(
                .config,
                "\(source): main: \(UntrustedText.escape(given)) is outside the module: it is \(UntrustedText.escape(real)), the module is \(UntrustedText.escape(root))",
                hint: "set main: to a directory inside the module, such as . or ./cmd/NAME")
        }
    }

    /// The whole `go build` command line of a cell must fit what `execve` takes: each argument
    /// under `MAX_ARG_STRLEN`, arguments and environment together under `ARG_MAX`.
    static func commandLineFits(_ arguments: [String], environment: [String: String], cell: String, source: String)
        throws
    {
        if let index = arguments.firstIndex(where: { $0.utf8.count >= maximumArgumentLength }) {
            let long = arguments[index]
            let before = index > 0 ? arguments[index - 1] : ""
            let key = before == "-ldflags" ? "ldflags" : before == "-tags" ? "tags" : "flags"
            throw ShipdeckError(
                .config,
                "\(source): \(key): the go build argument \(UntrustedText.escape(String(long.prefix(40))))… of \(cell) is \(long.utf8.count) bytes; Linux takes at most \(maximumArgumentLength - 1) in one argument",
                hint: "shorten \(key): (move long values into a file the build reads, or a -X of a shorter string)")
        }
        let limit = max(Int(sysconf(Int32(_SC_ARG_MAX))), 128 * 1024)
        let pointer = MemoryLayout<UnsafePointer<CChar>>.size
        let argumentBytes = arguments.reduce(0) { $0 + $1.utf8.count + 1 + pointer }
        let environmentBytes = environment.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 2 + pointer }
        guard argumentBytes + environmentBytes + commandLineMargin <= limit else {
            throw ShipdeckError(
                .config,
                "\(source): the go build command of \(cell) needs \(argumentBytes + environmentBytes) bytes of arguments and environment; this system takes \(limit - commandLineMargin)",
                hint: "shorten flags:, ldflags:, tags: or env: (the environment counts too)")
        }
    }

    /// `main:` must name a main package of this module: `go build` of a library package writes a
    /// Go archive (`!<arch>`), which would otherwise be released as an executable. Asks
    /// `go list -e -find` (it loads no package's dependencies, but with an empty module cache go
    /// still fetches the requirements' go.mod files and says `go: downloading …` on stderr).
    static func mainPackage(_ plan: BuildPlan, environment: [String: String]) throws {
        // Passed before with the same source tree, go and environment (releases only: MainPackageCheckCache).
        let cache = MainPackageCheckCache(plan: plan, environment: environment)
        if cache?.passed == true { return }
        try listMainPackage(plan, environment: environment)
        cache?.recordPass()
    }

    /// Starts the line of `go list`'s answer, told apart from what go says on stderr.
    static let listMarker = "shipdeck-list\t"

    private static func listMainPackage(_ plan: BuildPlan, environment: [String: String]) throws {
        let source = plan.config.path ?? "the module"
        let spec = ProcessSpec(
            executable: plan.toolchain.path,
            arguments: [
                // -buildvcs=false: go list would otherwise run git several times to stamp a version
                // nobody reads here (a third of a cached release's time on a small module).
                "list", "-buildvcs=false", "-e", "-find", "-f",
                Self.listMarker + "{{.Name}}\t{{if .Module}}{{.Module.Path}}{{end}}\t{{.Dir}}\t{{if .Error}}{{.Error}}{{end}}",
                plan.mainPackage,
            ],
            environment: environment, workingDirectory: plan.moduleDirectory.path)
        let (result, output) = try ProcessRunner.capture(spec)
        // stdout and stderr share the pipe: go's own notes (`go: downloading …`) come before the answer.
        let line = output.split(separator: "\n").first { $0.hasPrefix(Self.listMarker) }
            .map { String($0.dropFirst(Self.listMarker.count)) } ?? ""
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard result.succeeded, fields.count >= 3 else {
            // go's complaint, on one line (its own lines joined with '; '), and a hint for its cause:
            // most often go.mod (a newer go line than this Go, a syntax error), not main:.
            let said = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: "; ")
            let hint: String
            if said.contains("go.mod requires go >=") || said.contains("requires go >=") {
                hint = "use a Go at least that new (--go PATH, $GO or the config's go:), or lower the go line in go.mod"
            } else if said.contains("go.mod:") || said.contains("go.work:") || said.contains("go.sum") {
                hint = "fix go.mod (or go.work) as go says; `go build ./...` in the module shows the same error"
            } else {
                hint = "set main: to the directory of the main package, such as . or ./cmd/\(plan.source.defaultProjectName)"
            }
            throw ShipdeckError(
                .config,
                "\(source): main: cannot list \(UntrustedText.escape(plan.mainPackage)) with go list (\(result.summary)): "
                    + UntrustedText.escape(String(said.prefix(400))),
                hint: hint)
        }
        let (name, module) = (fields[0], fields[1])
        let problem = fields.count > 3 ? fields[3] : ""
        if name.isEmpty, problem.contains("does not contain package") {
            throw ShipdeckError(
                .config,
                "\(source): main: \(UntrustedText.escape(plan.mainPackage)) belongs to another module, not \(UntrustedText.escape(plan.source.modulePath)) (\(UntrustedText.escape(problem)))",
                hint: "set main: to a package of this module (a nested go.mod makes its folder another module)")
        }
        if name.isEmpty {
            throw ShipdeckError(
                .config,
                "\(source): main: \(UntrustedText.escape(plan.mainPackage)) holds no Go package"
                    + (problem.isEmpty ? "" : " (\(UntrustedText.escape(problem)))"),
                hint:
                    "set main: to the directory of the main package, such as . or ./cmd/\(plan.source.defaultProjectName)"
            )
        }
        if module != plan.source.modulePath {
            throw ShipdeckError(
                .config,
                "\(source): main: \(UntrustedText.escape(plan.mainPackage)) belongs to module \(module.isEmpty ? "(none)" : UntrustedText.escape(module)), not \(UntrustedText.escape(plan.source.modulePath))",
                hint: "set main: to a package of this module (a nested go.mod makes its folder another module)")
        }
        guard name == "main" else {
            throw ShipdeckError(
                .config,
                "\(source): main: \(UntrustedText.escape(plan.mainPackage)) is package \(UntrustedText.escape(name)), not a main package: go build would write a library archive, not an executable",
                hint: "set main: to the directory whose files say `package main` (and have func main)")
        }
    }
}
