import Foundation

/// The release-wide steps that run once every cell is final: checksums, manifest.
/// They cover the cells that succeeded; after a retry they run again and include it.
struct ReleaseSteps {
    let plan: BuildPlan
    let dist: DistFolder
    let hub: EventHub

    /// Returns false when a step failed.
    func run() -> Bool {
        hub.flush()
        let state = hub.snapshot()
        let cellArtifacts = state.cells.filter { $0.status == .succeeded }.flatMap(\.artifacts)
        var ok = true
        var checksumArtifact: ArtifactRecord?
        ok = ok && step(.checksums) {
            let file = ChecksumsFile(entries: cellArtifacts.map { ($0.name, $0.sha256) })
            let data = Data(file.text.utf8)
            try dist.write(data, as: plan.config.checksumName)
            let record = ArtifactRecord(name: plan.config.checksumName, path: plan.config.checksumName, kind: .checksum,
                                        sha256: FileDigest.sha256(data: data), size: Int64(data.count))
            checksumArtifact = record
            hub.emit(.artifact(record))
            return "\(file.entries.count) files"
        }
        ok = ok && step(.manifest) {
            let all = cellArtifacts + (checksumArtifact.map { [$0] } ?? [])
            try dist.write(try ArtifactsManifest.encode(all), as: ArtifactsManifest.fileName)
            return "\(all.count) artifacts"
        }
        return ok
    }

    private func step(_ step: ReleaseStep, _ body: () throws -> String?) -> Bool {
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
