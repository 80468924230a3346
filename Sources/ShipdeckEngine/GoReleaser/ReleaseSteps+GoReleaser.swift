import Foundation

extension ReleaseSteps {
    /// Archives that hold the binaries of several builds for one platform (GoReleaser groups an
    /// archive's builds by platform): written from the binaries in dist/ once every cell is final.
    /// An archive whose cells did not all succeed is not written (no half-filled archive).
    func writeSharedArchives(cellArtifacts: [ArtifactRecord]) -> (ok: Bool, artifacts: [ArtifactRecord]) {
        guard let g = plan.goreleaser, !g.sharedArchives.isEmpty else { return (true, []) }
        var written: [ArtifactRecord] = []
        let ok = step(.archives) {
            let published = Set(cellArtifacts.map(\.name))
            var skipped: [String] = []
            for archive in g.sharedArchives {
                var binaries: [String: URL] = [:]
                for (cellID, _) in archive.binaries {
                    guard let cell = plan.cell(cellID), let path = cell.goreleaser?.distPath, published.contains(path) else { continue }
                    binaries[cellID] = dist.url.appendingPathComponent(path)
                }
                guard binaries.count == archive.binaries.count else {
                    skipped.append(archive.name)
                    continue
                }
                let entries = try GoReleaserArchiveEntries.evaluate(
                    archive, moduleDirectory: plan.moduleDirectory, distDirectory: plan.distDirectory, binaries: binaries)
                try FileManager.default.createDirectory(at: dist.workURL, withIntermediateDirectories: true)
                let temp = dist.workURL.appendingPathComponent(archive.name + ".partial")
                let digest = try GoReleaserArchiveEntries.write(
                    entries, format: archive.format, mtime: plan.info.sourceDateEpoch, to: temp.path)
                _ = try dist.publish(temp, as: archive.name)
                let first = plan.cell(archive.binaries[0].cell)
                let record = ArtifactRecord(
                    name: archive.name, path: archive.name, kind: .archive, cell: first?.id, target: first?.target,
                    sha256: digest.hex, size: digest.size)
                hub.emit(.artifact(record))
                written.append(record)
            }
            return "\(written.count) archives" + (skipped.isEmpty ? "" : "; not written (a cell failed): \(skipped.joined(separator: ", "))")
        }
        return (ok, written)
    }
}
