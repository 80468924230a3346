import Foundation

/// The release-wide steps that run once every cell is final: checksums, manifest.
/// They cover the cells that succeeded; after a retry they run again and include it.
struct ReleaseSteps {
    let plan: BuildPlan
    let dist: DistFolder
    let hub: EventHub
    /// Cells whose binary came from the artifact cache, with the original build's record (provenance).
    var cachedBuilds: [String: ArtifactCacheEntry] = [:]

    /// Runs the release-wide steps over these cell artifacts (files already in dist/); returns
    /// false when a step failed. A normal release passes its succeeded cells' artifacts, from the
    /// engine's ledger (never from an observer's state); `shipdeck merge` passes the verified parts'.
    /// A shard run (`--shard`) only writes its part manifest: the merge does the rest.
    func run(cellArtifacts: [ArtifactRecord]) -> Bool {
        if let shard = plan.shard { return writePart(shard, cellArtifacts: cellArtifacts) }
        // dist/CHANGELOG.md (Changelog/ReleaseSteps+Changelog.swift); a no-op unless `changelog:` is configured.
        let changelog = writeChangelog()
        // The macOS universal binary (Universal/ReleaseSteps+Universal.swift); a no-op unless `universal_binaries:`.
        let universal = runUniversal(cellArtifacts: cellArtifacts)
        var cellArtifacts = cellArtifacts.filter { !universal.replacedCells.contains($0.cell ?? "") } + universal.artifacts
        // No cell succeeded: an empty checksums.txt and manifest would look like a finished release.
        guard !cellArtifacts.isEmpty else {
            for step in [ReleaseStep.checksums, .manifest] {
                hub.emit(.stepFinished(step: step, result: .skipped, seconds: 0, detail: "no cell succeeded"))
            }
            return changelog.ok
        }
        // Archives of several GoReleaser builds (GoReleaser/ReleaseSteps+GoReleaser.swift); a no-op otherwise.
        let shared = writeSharedArchives(cellArtifacts: cellArtifacts)
        cellArtifacts += shared.artifacts
        // OCI images over the Linux binaries (Images/OCIImageBuilder.swift); a no-op unless `images:` is configured.
        let images = runImages(cellArtifacts: cellArtifacts)
        var ok = changelog.ok && universal.ok && images.ok && shared.ok
        var checksumArtifact: ArtifactRecord?
        // `checksum.disable: true` in a GoReleaser config: no checksums file.
        if plan.goreleaser?.checksumDisabled == true {
            hub.emit(.stepFinished(step: .checksums, result: .skipped, seconds: 0, detail: "checksum.disable is true"))
        } else { ok = ok && step(.checksums) {
            // A GoReleaser config lists what GoReleaser's checksums.txt would (GoReleaser/GoReleaserManifest.swift):
            // its archives and binaries, and the Linux packages of nfpms:.
            let listed = plan.goreleaser.map { g in
                cellArtifacts.filter { g.checksummed.contains($0.name) || $0.kind == .linuxPackage }
            }
                ?? cellArtifacts.filter { $0.kind != .signature }
            let file = ChecksumsFile(entries: listed.map { ($0.name, $0.sha256) })
            let data = Data(file.text.utf8)
            try dist.write(data, as: plan.config.checksumName)
            let record = ArtifactRecord(name: plan.config.checksumName, path: plan.config.checksumName, kind: .checksum,
                                        sha256: FileDigest.sha256(data: data), size: Int64(data.count))
            checksumArtifact = record
            hub.emit(.artifact(record))
            return "\(file.entries.count) files"
        }
        }
        // Signatures of checksums.txt and provenance (Signing/ReleaseSteps+Trust.swift); no-ops unless configured.
        var trustArtifacts: [ArtifactRecord] = []
        ok = ok && signChecksums(checksumArtifact, into: &trustArtifacts)
        ok = ok && writeProvenance(subjects: cellArtifacts.filter { $0.kind != .signature } + (checksumArtifact.map { [$0] } ?? []),
                                   into: &trustArtifacts)
        ok = ok && step(.manifest) {
            let all = cellArtifacts + images.artifacts + (checksumArtifact.map { [$0] } ?? []) + trustArtifacts
                + changelog.artifacts
            if let g = plan.goreleaser {  // GoReleaser's schema, Shipdeck's fields beside; and metadata.json
                try dist.write(try GoReleaserManifest.artifacts(all, plan: plan, release: g), as: ArtifactsManifest.fileName)
                try dist.write(try GoReleaserManifest.metadata(plan: plan, release: g), as: GoReleaserManifest.metadataName)
                return "\(all.count) artifacts, \(GoReleaserManifest.metadataName)"
            }
            try dist.write(try ArtifactsManifest.encode(all), as: ArtifactsManifest.fileName)
            return "\(all.count) artifacts"
        }
        return ok
    }

    func step(_ step: ReleaseStep, _ body: () throws -> String?) -> Bool {
        hub.emit(.stepStarted(step: step))
        let start = Date()
        do {
            let detail = try body()
            hub.emit(.stepFinished(step: step, result: .succeeded, seconds: Date().timeIntervalSince(start), detail: detail))
            return true
        } catch {
            hub.emit(.stepFinished(step: step, result: .failed, seconds: Date().timeIntervalSince(start), detail: "\(error)"))
            return false
        }
    }
}
