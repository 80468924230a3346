import Foundation

/// What `shipdeck merge` is given.
package struct MergeOptions: Sendable {
    /// Folders holding part manifests (`part-*.json`) and the artifacts they list.
    package var partDirectories: [URL]
    /// The checked-out module: its config says what to sign and how (the merge builds nothing).
    package var moduleDirectory: URL
    package var configPath: URL?
    /// Where the merged release goes (default: dist/ in the module).
    package var distDirectory: URL?
    package var existingDist: DistFolder.ExistingContents
    package var environment: [String: String]

    package init(
        partDirectories: [URL], moduleDirectory: URL, configPath: URL? = nil, distDirectory: URL? = nil,
        existingDist: DistFolder.ExistingContents = .refuse,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.partDirectories = partDirectories
        self.moduleDirectory = moduleDirectory
        self.configPath = configPath
        self.distDirectory = distDirectory
        self.existingDist = existingDist
        self.environment = environment
    }
}

/// Joins the parts of a sharded release into one dist/ and runs the release-wide steps over it
/// (checksums, signatures, images, artifacts.json, provenance) — the same `ReleaseSteps` code a
/// single-process release runs — without rebuilding anything.
///
/// Every check runs before anything is written: parts must agree on project, version, commit, Go
/// version, SOURCE_DATE_EPOCH and config fingerprint; together they must hold every planned cell
/// exactly once; every artifact must hash to what its part manifest says.
package final class ReleaseMerger: Sendable {
    package let options: MergeOptions
    package let hub: EventHub

    struct Part {
        var url: URL
        var directory: URL
        var manifest: PartManifest
        var label: String { "\(url.lastPathComponent) in \(directory.path)" }
    }

    package init(options: MergeOptions, hub: EventHub = EventHub()) {
        self.options = options
        self.hub = hub
    }

    /// Checks the parts, then writes the merged release. Throws (having written nothing) when a
    /// check fails; returns the outcome of the release-wide steps otherwise.
    package func run() throws -> ReleaseOutcome {
        let started = Date()
        let parts = try readParts()
        let reference = parts[0].manifest
        try checkAgreement(parts)
        let owners = try checkCells(parts)
        var plan = try mergedPlan(reference)
        plan.info.commit = reference.commit
        let dist = DistFolder(url: plan.distDirectory)
        let partPaths = Set(parts.map { $0.directory.standardizedFileURL.path })
        guard !partPaths.contains(dist.url.standardizedFileURL.path) else {
            throw ShipdeckError(
                .dist, "the merge output \(dist.url.path) is also a part folder",
                hint: "pass another --dist for the merged release")
        }
        for part in parts { try verifyArtifacts(of: part) }

        try dist.prepare(existing: options.existingDist, moduleDirectory: plan.moduleDirectory)
        var published: [ArtifactRecord] = []
        for part in parts {
            for artifact in part.manifest.artifacts {
                published.append(try copy(artifact, from: part, into: dist))
            }
        }

        hub.emit(.releaseStarted(plan.info))
        for warning in plan.warnings { hub.emit(.warning(warning)) }
        for cell in plan.cells {
            hub.emit(.cellQueued(cell: cell.id, attempt: 1))
            if let owner = owners[cell.id] {
                let part = parts[owner]
                hub.emit(
                    .log(
                        cell: cell.id, attempt: 1,
                        lines: [
                            "merged from shard \(part.manifest.shard) (\(part.label)); artifacts verified against it, nothing rebuilt"
                        ]))
            }
            for record in published where record.cell == cell.id { hub.emit(.artifact(record)) }
            hub.emit(.cellFinished(cell: cell.id, attempt: 1, status: .succeeded, seconds: 0, error: nil))
        }
        let ordered = plan.cells.flatMap { cell in published.filter { $0.cell == cell.id } }
        let ok = ReleaseSteps(plan: plan, dist: dist, hub: hub).run(cellArtifacts: ordered)
        dist.removeWorkFiles()
        let outcome: ReleaseOutcome = ok ? .succeeded : .failed
        hub.emit(.releaseFinished(outcome: outcome, seconds: Date().timeIntervalSince(started)))
        hub.flush()
        return outcome
    }

    // MARK: Checks

    func readParts() throws -> [Part] {
        guard !options.partDirectories.isEmpty else {
            throw ShipdeckError(
                .usage, "no part folders given", hint: "pass the dist folders of every `shipdeck release --shard` run")
        }
        var parts: [Part] = []
        for directory in options.partDirectories {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
                throw ShipdeckError(.io, "part folder \(directory.path) does not exist or is not a folder")
            }
            let found = PartManifest.locate(in: directory)
            guard !found.isEmpty else {
                throw ShipdeckError(
                    .verify, "\(directory.path) holds no part manifest (part-*.json)",
                    hint: "pass the dist folders that `shipdeck release --shard N/M` wrote")
            }
            for url in found {
                parts.append(Part(url: url, directory: directory, manifest: try PartManifest.read(url)))
            }
        }
        return parts
    }

    func checkAgreement(_ parts: [Part]) throws {
        let first = parts[0]
        let fields: [(String, (PartManifest) -> String)] = [
            // The fields a user can name first; the config fingerprint (which covers them too)
            // last, for a difference none of them explains.
            ("commit", { $0.commit ?? "(no git commit)" }),
            ("Go version", \.goVersion),
            ("project", \.project),
            ("version", \.version),
            ("SOURCE_DATE_EPOCH", { String($0.sourceDateEpoch) }),
            ("planned cells", { $0.allCells.joined(separator: ",") }),
            ("config fingerprint", \.configFingerprint),
        ]
        for part in parts.dropFirst() {
            for (name, value) in fields where value(part.manifest) != value(first.manifest) {
                throw ShipdeckError(
                    .verify,
                    "parts come from different releases: \(name) is \(value(first.manifest)) in "
                        + "\(first.label) but \(value(part.manifest)) in \(part.label)",
                    hint: "run every shard on the same commit, Go version and config, then merge their parts")
            }
        }
    }

    /// Returns, for each cell, the index of the part that built it.
    func checkCells(_ parts: [Part]) throws -> [String: Int] {
        var owner: [String: Int] = [:]
        let all = parts[0].manifest.allCells
        for (index, part) in parts.enumerated() {
            for cell in part.manifest.cells {
                guard all.contains(cell) else {
                    throw ShipdeckError(.verify, "\(part.label) holds cell \(cell), which the release does not plan")
                }
                if let other = owner[cell] {
                    throw ShipdeckError(
                        .verify, "cell \(cell) is in two parts: \(parts[other].label) and \(part.label)",
                        hint:
                            "each cell must come from exactly one shard: give every shard the same M and a different N")
                }
                owner[cell] = index
                let artifacts = part.manifest.artifacts.filter { $0.cell == cell }
                guard !artifacts.isEmpty else {
                    throw ShipdeckError(.verify, "\(part.label) lists cell \(cell) but no artifact of it")
                }
            }
            for artifact in part.manifest.artifacts where !part.manifest.cells.contains(artifact.cell ?? "") {
                throw ShipdeckError(.verify, "\(part.label) lists \(artifact.name) for a cell it did not build")
            }
        }
        let missing = all.filter { owner[$0] == nil }
        if !missing.isEmpty {
            var hint = "run the shards that build them and pass their dist folders to shipdeck merge"
            let slices = parts.compactMap { try? ShardSelection(parsing: $0.manifest.shard) }
            if case .slice(_, let count)? = slices.first {
                let shards = Set(missing.compactMap { all.firstIndex(of: $0) }.map { $0 % count + 1 }).sorted()
                hint =
                    "missing shard\(shards.count == 1 ? "" : "s") \(shards.map { "\($0)/\(count)" }.joined(separator: ", ")): "
                    + hint
            }
            throw ShipdeckError(
                .verify,
                "no part holds cell\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) "
                    + "(\(owner.count) of \(all.count) cells present)", hint: hint)
        }
        return owner
    }

    /// The release's plan, from the checked-out module's config with the parts' version and
    /// SOURCE_DATE_EPOCH. No Go runs: the toolchain is described from the parts.
    func mergedPlan(_ reference: PartManifest) throws -> BuildPlan {
        let moduleDir = options.moduleDirectory.standardizedFileURL
        let source = try SourceInfo.read(moduleDirectory: moduleDir.path, environment: options.environment)
        var config = try PlanBuilder.loadConfig(
            moduleDirectory: moduleDir, configPath: options.configPath, source: source,
            environment: options.environment)
        // The ports the shards' Go knew are not known here; the pairs they planned stand in for them.
        let partPorts = Dictionary(
            reference.allCells.compactMap { BuildTarget(parsing: $0)?.pair }.map { ($0, true) },
            uniquingKeysWith: { a, _ in a })
        GoReleaserImport.dropUnknownPorts(
            &config,
            toolchain: GoToolchain(
                path: "go", version: reference.goVersion, ports: partPorts,
                hostTarget: BuildTarget(goos: "linux", goarch: "amd64")))
        if let here = source.commit, let there = reference.commit, here != there {
            throw ShipdeckError(
                .verify,
                "the module at \(moduleDir.path) is at commit \(here.prefix(12)) but the parts were built from \(there.prefix(12))",
                hint: "check out \(there.prefix(12)) before merging: its config decides what is signed")
        }
        let ports = partPorts.merging(config.targets.map { ($0.target.pair, true) }, uniquingKeysWith: { a, _ in a })
        let toolchain = GoToolchain(
            path: "go", version: reference.goVersion, ports: ports,
            hostTarget: BuildTarget(goos: "linux", goarch: "amd64"))
        var environment = options.environment
        environment["SOURCE_DATE_EPOCH"] = String(reference.sourceDateEpoch)
        let planOptions = PlanOptions(
            moduleDirectory: moduleDir, distDirectory: options.distDirectory,
            configPath: options.configPath, versionOverride: reference.version,
            environment: environment)
        var plan = try PlanBuilder.plan(config: config, source: source, toolchain: toolchain, options: planOptions)
        // The same signer checks a release makes before building: keys, passwords, tools.
        plan.trust = try TrustPlan.prepare(config: plan.config, environment: options.environment)
        plan.info.signers = plan.trust.summaries
        plan.warnings += plan.trust.warnings
        let fingerprint = ConfigFingerprint.of(plan)
        guard fingerprint == reference.configFingerprint else {
            throw ShipdeckError(
                .verify,
                "the config in \(moduleDir.path) (\(config.path ?? "zero config")) is not the one the parts were built with "
                    + "(fingerprint \(fingerprint.prefix(12)) here, \(reference.configFingerprint.prefix(12)) in the parts)",
                hint: "merge in a checkout of the commit the shards built, with the same shipdeck.yml")
        }
        return plan
    }

    /// Hashes every artifact of a part where it lies, against the part manifest.
    func verifyArtifacts(of part: Part) throws {
        for artifact in part.manifest.artifacts {
            let source = try location(of: artifact, in: part)
            let digest = try FileDigest.sha256(path: source.path)
            try check(digest, of: artifact, at: source, in: part)
        }
    }

    func location(of artifact: ArtifactRecord, in part: Part) throws -> URL {
        for name in [artifact.name, artifact.path]
        where name.isEmpty || name.contains("/") || name == "." || name == ".." {
            throw ShipdeckError(.verify, "\(part.label) names an artifact '\(name)' that is not a plain file name")
        }
        let url = part.directory.appendingPathComponent(artifact.path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ShipdeckError(
                .verify, "\(artifact.name) is listed in \(part.label) but missing from that folder",
                hint: "upload the whole dist folder of that shard, or rerun it")
        }
        return url
    }

    func check(_ digest: (hex: String, size: Int64), of artifact: ArtifactRecord, at url: URL, in part: Part) throws {
        guard digest.hex == artifact.sha256, digest.size == artifact.size else {
            throw ShipdeckError(
                .verify,
                "\(url.path) does not match its part manifest: sha256 \(digest.hex.prefix(16))… "
                    + "(\(digest.size) bytes) but \(part.url.lastPathComponent) says \(artifact.sha256.prefix(16))… "
                    + "(\(artifact.size) bytes)",
                hint: "the file changed after its shard built it; rerun shard \(part.manifest.shard)")
        }
    }

    /// Copies an artifact into dist/ through a work file, hashing the copy, then publishes it.
    func copy(_ artifact: ArtifactRecord, from part: Part, into dist: DistFolder) throws -> ArtifactRecord {
        let source = try location(of: artifact, in: part)
        let temp = dist.workURL.appendingPathComponent("\(artifact.name).merge")
        try? FileManager.default.removeItem(at: temp)
        do {
            try FileManager.default.copyItem(at: source, to: temp)
        } catch {
            throw ShipdeckError(.io, "cannot copy \(source.path) into \(dist.url.path): \(DistFolder.reason(error))")
        }
        try check(try FileDigest.sha256(path: temp.path), of: artifact, at: source, in: part)
        // CI artifact stores (actions/upload-artifact) drop file modes; binaries are executables.
        if artifact.kind == .binary {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temp.path)
        }
        let published = try dist.publish(temp, as: artifact.name)
        var record = artifact
        record.path = published.lastPathComponent
        return record
    }
}
