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
}
