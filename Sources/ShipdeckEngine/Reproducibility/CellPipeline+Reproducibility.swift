import Foundation

extension CellPipeline {
    /// Builds the cell again elsewhere and compares; a cell that is not reproducible fails, with
    /// what differs in the stage detail. No-op unless the check was asked for. Returns the second
    /// build (kept in `work`) when the two agree, for the archive comparison.
    func reproducibilityStage(binary: URL, work: URL) throws -> URL? {
        guard plan.trust.reproducible else { return nil }
        return try stage(.reproducibility, report: { StageReport(detail: $0.detail) }) { () throws -> (detail: String, second: URL?) in
            let check = ReproducibilityCheck(
                plan: plan, cell: cell, run: { try runLogged($0) }, buildsAtOnce: buildsAtOnce)
            let outcome = try check
                .check(first: binary, keepingSecondIn: work.appendingPathComponent("reproduce", isDirectory: true))
            if outcome.reproducible {
                return ("reproducible: a second build elsewhere with an empty GOCACHE has sha256 \(outcome.sha256.prefix(16))",
                        outcome.second)
            }
            let message = "NOT reproducible: " + outcome.differences.joined(separator: "; ")
            hub.emit(.log(cell: cell.id, attempt: attempt, lines: [message]))
            throw StageFailure(message: message)
        }.second
    }

    /// With the reproducibility check on, after the archive is written: the second build's archive
    /// must have the same bytes (same binary, same compressor: a difference is the archive
    /// writer's, and fails the cell), and an earlier run's archive of the same inputs, as the
    /// artifact cache recorded it, is compared too: a difference there is a warning naming the
    /// cause, usually another compressor version (a libdeflate or zlib upgrade).
    /// Returns what it found, for the archive stage's detail.
    func compareArchives(_ archive: ArchiveStage.Output, binary: URL, second: URL?, cached: ArtifactCacheEntry?,
                         work: URL) throws -> String? {
        // An Authenticode signature (signed in place, time-stamped) makes every archive of a windows cell differ.
        guard plan.trust.reproducible, !(cell.target.goos == "windows" && plan.trust.authenticode != nil) else { return nil }
        let compression = plan.info.compression
        let binarySHA = try FileDigest.sha256(path: binary.path).hex
        let mine = ArchiveComparison.Side(label: "this run", archiveSHA256: archive.sha256, binarySHA256: binarySHA,
                                          compression: compression)
        var found: [String] = []
        if let second {
            let folder = work.appendingPathComponent("reproduce-archive", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let again = try ArchiveStage(plan: plan, cell: cell).write(binary: second, into: folder)
            let other = ArchiveComparison.Side(
                label: "the second build", archiveSHA256: again.sha256,
                binarySHA256: try FileDigest.sha256(path: second.path).hex, compression: compression)
            if let difference = ArchiveComparison.difference(name: archive.name, mine, other) {
                let message = "archive NOT reproducible: " + difference
                hub.emit(.log(cell: cell.id, attempt: attempt, lines: [message]))
                throw StageFailure(message: message)
            }
            found.append("the second build's archive has the same bytes")
        }
        if let cached, let earlier = cached.archives.first(where: { $0.name == archive.name }) {
            let theirs = ArchiveComparison.Side(
                label: "the earlier run (\(cached.build.builtAt))", archiveSHA256: earlier.sha256,
                binarySHA256: cached.sha256, compression: cached.compression)
            if let difference = ArchiveComparison.difference(name: archive.name, theirs, mine) {
                hub.emit(.warning("\(cell.id): \(difference)"))
                hub.emit(.log(cell: cell.id, attempt: attempt, lines: ["shipdeck: warning: \(difference)"]))
                found.append(difference)
            } else {
                found.append("same bytes as the earlier run's archive")
            }
        }
        return found.isEmpty ? nil : found.joined(separator: "; ")
    }
}
