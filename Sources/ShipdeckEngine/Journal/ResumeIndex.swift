import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What `shipdeck release --resume` keeps from an interrupted release in the same dist/.
///
/// A cell is kept only when, in the journal, its last attempt succeeded, the fingerprint
/// recorded for that attempt equals the cell's fingerprint now (same sources, Go, environment,
/// flags, target), and every file it published is still in dist/ with the recorded SHA-256 (the
/// files are hashed again; a file whose bytes changed is never trusted). Every other cell is
/// rebuilt, and `reasons` says why.
package struct ResumeIndex: Sendable {
    /// A cell whose outputs are reused as they are.
    package struct KeptCell: Sendable, Hashable {
        package var fingerprint: String
        package var artifacts: [ArtifactRecord]
    }

    /// Cells kept, by id.
    package var kept: [String: KeptCell]
    /// Cells rebuilt, by id, with the reason in words.
    package var reasons: [String: String]
    /// Problems met while reading the old journal (torn last line, garbage lines).
    package var problems: [JournalReader.Problem]
    /// Each cell's last attempt number in the interrupted release: a rebuilt cell gets the next
    /// one, so its staging folder and log file are its own (never the killed attempt's).
    package var attempts: [String: Int] = [:]
    /// Cells of the interrupted release this one no longer has (fewer `--target`s), with the files
    /// the journal recorded for them (and release files named after those, such as their signatures):
    /// `removeDropped` deletes them, so the resumed release ships nothing stale.
    package var dropped: [String: [String]] = [:]

    /// Decides, for every cell of `plan`, whether the journal in `plan.distDirectory` lets it be kept.
    /// Throws when dist/ holds no journal, or the journal of a different release.
    package static func load(plan: BuildPlan) throws -> ResumeIndex {
        let journal = plan.distDirectory.appendingPathComponent(JournalHeader.fileName)
        guard FileManager.default.fileExists(atPath: journal.path) else {
            throw ShipdeckError(
                .journal, "nothing to resume: \(plan.distDirectory.path) holds no \(JournalHeader.fileName)",
                hint: "run without --resume (pass --clean to empty a non-empty dist/ first)")
        }
        let contents = try JournalReader.read(journal)
        var state = ReleaseState()
        for record in contents.records { state.apply(record) }
        guard let old = state.info ?? contents.header?.plan else {
            throw ShipdeckError(
                .journal, "\(journal.path) records no release to resume (\(contents.records.count) readable events)",
                hint: "pass --clean instead of --resume to start over")
        }
        let new = plan.info
        guard old.project == new.project, old.version == new.version, old.commit == new.commit else {
            let describe = { (i: ReleaseInfo) in "\(i.project) \(i.version)" + (i.shortCommit.map { " at \($0)" } ?? "")
            }
            throw ShipdeckError(
                .journal,
                "\(plan.distDirectory.path) holds an interrupted release of \(describe(old)), "
                    + "not of \(describe(new))",
                hint: "pass --clean instead of --resume, or choose another --dist")
        }
        let fingerprints = CellFingerprint.all(for: plan)
        return decide(plan: plan, state: state, fingerprints: fingerprints, problems: contents.problems)
    }

    /// The pure decision, given the old journal's state and today's fingerprints.
    static func decide(
        plan: BuildPlan, state: ReleaseState, fingerprints: [String: String],
        problems: [JournalReader.Problem]
    ) -> ResumeIndex {
        var index = ResumeIndex(kept: [:], reasons: [:], problems: problems)
        for cell in plan.cells {
            if let old = state.cell(cell.id), old.attempt > 0 { index.attempts[cell.id] = old.attempt }
            guard let old = state.cell(cell.id) else {
                index.reasons[cell.id] = "not in the interrupted release"
                continue
            }
            guard old.status == .succeeded else {
                index.reasons[cell.id] =
                    old.status == .running
                    ? "it was building when the release stopped"
                    : "it had \(old.status == .queued ? "not started" : old.status.rawValue)"
                continue
            }
            guard let recorded = old.fingerprint, let now = fingerprints[cell.id] else {
                index.reasons[cell.id] = "the journal records no input fingerprint for it"
                continue
            }
            guard recorded == now else {
                index.reasons[cell.id] = "its inputs changed (sources, Go, environment, flags or config)"
                continue
            }
            guard !old.artifacts.isEmpty else {
                index.reasons[cell.id] = "the journal records no file for it"
                continue
            }
            if let bad = old.artifacts.lazy.compactMap({ check($0, in: plan.distDirectory) }).first {
                index.reasons[cell.id] = bad
                continue
            }
            index.kept[cell.id] = KeptCell(fingerprint: now, artifacts: old.artifacts)
        }
        let planned = Set(plan.cells.map(\.id))
        let keptPaths = Set(index.kept.values.flatMap { $0.artifacts.map(\.path) })
        for old in state.cells where !planned.contains(old.id) {
            let own = old.artifacts.map(\.path)
            let derived = state.releaseArtifacts.map(\.path).filter { path in
                own.contains { path.hasPrefix($0 + ".") }
            }
            index.dropped[old.id] = (own + derived).filter { !keptPaths.contains($0) }
        }
        return index
    }

    /// Deletes the dropped cells' files from `dist` (only names inside it); returns, per cell, the
    /// files that were there and are gone now.
    package func removeDropped(in dist: URL) -> [(cell: String, removed: [String])] {
        dropped.keys.sorted().map { cell in
            let removed = (dropped[cell] ?? []).filter { path in
                guard !path.contains(".."), !path.hasPrefix("/"), !path.isEmpty else { return false }
                return unlink(dist.appendingPathComponent(path).path) == 0
            }
            return (cell, removed)
        }
    }

    /// Nil when the artifact's file is in dist/ with the recorded bytes; otherwise why not.
    static func check(_ artifact: ArtifactRecord, in dist: URL) -> String? {
        guard !artifact.path.contains(".."), !artifact.path.hasPrefix("/") else {
            return "the journal names \(artifact.path), which is outside dist/"
        }
        let path = dist.appendingPathComponent(artifact.path).path
        guard let digest = try? FileDigest.sha256(path: path) else { return "\(artifact.path) is missing" }
        guard digest.hex == artifact.sha256, digest.size == artifact.size else {
            return "\(artifact.path) no longer matches its recorded SHA-256"
        }
        return nil
    }
}
