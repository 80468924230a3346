import Foundation

/// The release-wide `universal` step: once darwin/amd64 and darwin/arm64 succeeded, their binaries
/// become the slices of one fat Mach-O, published, archived, hashed and signed like a cell's.
extension ReleaseSteps {
    struct UniversalOutcome {
        var ok = true
        var artifacts: [ArtifactRecord] = []
        /// Cells whose files `replace: true` takes out of the release's lists (checksums, manifest, provenance).
        var replacedCells: Set<String> = []
    }

    func runUniversal(cellArtifacts: [ArtifactRecord]) -> UniversalOutcome {
        guard let universal = plan.universal else { return UniversalOutcome() }
        let sources = UniversalBinaryPlan.sourceCells.map { id in
            (id, cellArtifacts.first { $0.cell == id && $0.kind == .binary })
        }
        let missing = sources.filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty else {
            hub.emit(.stepFinished(step: .universal, result: .skipped, seconds: 0,
                                   detail: "\(missing.joined(separator: " and ")) did not succeed"))
            return UniversalOutcome()
        }
        // `replace: true` removed the thin files after an earlier run of these steps (before a retry of
        // another cell): the universal binary made then stands.
        let made = hub.snapshot().releaseArtifacts.filter { Self.isUniversal($0.name, universal) }
        if !made.isEmpty, sources.contains(where: { !FileManager.default.fileExists(atPath: dist.url.appendingPathComponent($0.1!.path).path) }) {
            hub.emit(.stepFinished(step: .universal, result: .skipped, seconds: 0,
                                   detail: "\(universal.binaryName) was made by an earlier run of the release steps"))
            return UniversalOutcome(artifacts: made, replacedCells: Set(UniversalBinaryPlan.sourceCells))
        }
        var outcome = UniversalOutcome()
        outcome.ok = step(.universal) {
            let work = dist.workURL.appendingPathComponent("universal", isDirectory: true)
            try? FileManager.default.removeItem(at: work)
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let slices = try sources.compactMap(\.1).map { artifact in
                try FatMachO.slice(Data(contentsOf: dist.url.appendingPathComponent(artifact.path)), name: artifact.name)
            }
            let fat = work.appendingPathComponent(universal.executableName)
            try FatMachO.write(slices, to: fat)
            var files: [(url: URL, name: String, kind: ArtifactRecord.Kind, digest: (hex: String, size: Int64)?)] =
                [(fat, universal.binaryName, .binary, nil)]
            if universal.archiveFormat != .binary, let template = plan.cell(UniversalBinaryPlan.sourceCells[1]) {
                // The archive stage of a cell, for a cell that is the universal binary.
                var cell = template
                cell.info = CellInfo(id: universal.target.description, target: universal.target,
                                     artifactBase: universal.binaryName)
                cell.binaryName = universal.binaryName
                cell.executableName = universal.executableName
                cell.archiveFormat = universal.archiveFormat
                cell.archiveName = universal.archiveName
                cell.archiveDirectory = universal.archiveDirectory
                let archive = try ArchiveStage(plan: plan, cell: cell).write(binary: fat, into: work)
                files.append((archive.url, archive.name, .archive, (archive.sha256, archive.size)))
            }
            files += try universalSBOMs(fat: fat, slices: sources.compactMap(\.1), into: work)
                .map { ($0.url, $0.name, .sbom, ($0.sha256, $0.size)) }
            for file in files {
                let digest = try file.digest ?? FileDigest.sha256(path: file.url.path)
                let published = try dist.publish(file.url, as: file.name)
                let record = ArtifactRecord(name: file.name, path: published.lastPathComponent, kind: file.kind,
                                            target: universal.target, sha256: digest.hex, size: digest.size)
                hub.emit(.artifact(record))
                outcome.artifacts.append(record)
            }
            let signers = plan.trust.artifactSigners
            if !signers.isEmpty {
                for file in files {
                    outcome.artifacts += try SignatureMaker(dist: dist, hub: hub).sign(file.name, with: signers)
                }
            }
            let replaced = universal.replace ? "; replaces \(UniversalBinaryPlan.sourceCells.joined(separator: " and "))" : ""
            return "\(universal.binaryName): x86_64 + arm64\(replaced)"
        }
        if outcome.ok && universal.replace {
            outcome.replacedCells = Set(UniversalBinaryPlan.sourceCells)
            // Replaced files leave dist/ too: a folder holds only what its lists vouch for (`verify`
            // reports anything else as EXTRA), and nothing unlisted can be published by mistake.
            for artifact in cellArtifacts where outcome.replacedCells.contains(artifact.cell ?? "") {
                try? FileManager.default.removeItem(at: dist.url.appendingPathComponent(artifact.path))
            }
        }
        return outcome
    }

    /// The universal binary's files and their signatures: `<binary>`, its archive, SBOMs, `.sig`…
    static func isUniversal(_ name: String, _ universal: UniversalBinaryPlan) -> Bool {
        let roots = [universal.binaryName] + (universal.archiveName.map { [$0] } ?? [])
        return roots.contains { name == $0 || name.hasPrefix($0 + ".") }
    }

    /// With `sbom:`, the universal binary's SBOMs: the modules and settings of both slices (read from
    /// the thin binaries, since `go version -m` of a fat file reads only its first slice).
    private func universalSBOMs(fat: URL, slices: [ArtifactRecord], into work: URL) throws -> [SBOMWriter.File] {
        guard let config = plan.config.sbom, !config.formats.isEmpty, let universal = plan.universal else { return [] }
        let environment = plan.cells.first?.environment ?? PlanBuilder.baseEnvironment(ProcessInfo.processInfo.environment)
        let infos = try slices.map {
            try GoBuildInfo.read(binary: dist.url.appendingPathComponent($0.path), go: plan.toolchain.path,
                                 environment: environment)
        }
        guard let info = GoBuildInfo.merged(infos) else { return [] }
        let subject = SBOMSubject(plan: plan, fileName: universal.binaryName,
                                  sha256: try FileDigest.sha256(path: fat.path).hex)
        return try SBOMWriter(config: config).write(subject: subject, info: info, into: work)
    }
}
