import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

extension CellPipeline {
    /// Whether this cell's binary may come from (and go into) the artifact cache: a GoReleaser
    /// build with hooks is always built, since its hooks may do more than make the binary.
    var usesCache: Bool {
        guard cache != nil, let fingerprint, ArtifactCache.isKey(fingerprint) else { return false }
        if let g = cell.goreleaser, !g.preHooks.isEmpty || !g.postHooks.isEmpty { return false }
        return true
    }

    /// The build stage: the binary of an earlier build with the same input fingerprint when the
    /// artifact cache holds one (copied, then checked against the cache's SHA-256; the stage ends
    /// `cached`), else `go build`. A cache entry that fails the check is removed, with a warning,
    /// and the cell is built.
    func buildStage(into work: URL) throws -> (binary: URL, cached: ArtifactCacheEntry?) {
        guard usesCache, let cache, let key = fingerprint else { return (try stage(.build) { try build(into: work) }, nil) }
        var hit: ArtifactCacheEntry?
        let binary = try stage(
            .build,
            report: { _ in
                hit.map {
                    StageReport(
                        result: .cached,
                        detail: "sha256 \($0.sha256.prefix(16)) from the artifact cache, \($0.summary)")
                } ?? StageReport()
            }
        ) { () throws -> URL in
            let output = work.appendingPathComponent(cell.executableName)
            switch cache.restore(key, to: output) {
            case .hit(let entry):
                hit = entry
                note("shipdeck: binary from the artifact cache (\(cache.directory.path), key \(key.prefix(16)), "
                     + "sha256 \(entry.sha256)): \(entry.summary)")
                return output
            case .discarded(let reason):
                let text = "\(cell.id): a corrupt artifact cache entry was discarded (\(reason)); building it instead"
                hub.emit(.warning(text))
                note("shipdeck: warning: \(text)")
            case .unavailable(let reason):
                if token.isCancelled { throw StageFailure(message: "stopped", cancelled: true) }
                let text = "\(cell.id): the artifact cache was not used (\(reason)); building it instead"
                hub.emit(.warning(text))
                note("shipdeck: warning: \(text)")
            case .miss:
                break
            }
            return try build(into: work)
        }
        if let hit { ledger?.update(cell.id) { $0.cached = hit } }
        return (binary, hit)
    }

    /// A line of Shipdeck's own in the cell's log file and its log events (a cached cell runs no
    /// command, so this is what its log says).
    func note(_ line: String) {
        let url = dist.logURL(for: cell.id, attempt: attempt)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd >= 0 {
            let text = line + "\n"
            _ = text.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        hub.emit(.log(cell: cell.id, attempt: attempt, lines: [line]))
    }

    /// Adds a fresh build to the artifact cache (after its build slot is free) and returns the
    /// binary's digest (nil when the cache is off). A cache that cannot be written is a warning,
    /// never a failed cell.
    @discardableResult
    func storeInCache(_ binary: URL, buildSeconds: Double?) -> (hex: String, size: Int64)? {
        guard usesCache, let cache, let key = fingerprint else { return nil }
        guard let digest = try? FileDigest.sha256(path: binary.path) else { return nil }
        let entry = ArtifactCacheEntry(
            key: key, sha256: digest.hex, size: digest.size,
            build: .init(
                cell: cell.id, project: plan.info.project, version: plan.info.version, commit: plan.info.commit,
                goVersion: plan.toolchain.version, shipdeckVersion: Shipdeck.version,
                builtAt: RFC3339.string(Date()), buildSeconds: buildSeconds))
        // The token bound, so a stop ends a wait for the cache's lock (FileLock.Cancelled).
        let problem = CancellationToken.$current.withValue(token) { cache.store(binary, entry: entry) }
        if let problem, !token.isCancelled {
            hub.emit(.warning("\(cell.id): the artifact cache in \(cache.directory.path) could not store the binary: \(problem)"))
        }
        return digest
    }

    /// The compressor description archives are written with (recorded with cached archives).
    var compression: String { plan.info.compression ?? ArchiveCompression.description }

    /// The archive of a binary that came from the cache, from the cache too, when the release that
    /// stored it wrote it under the same name with the same SOURCE_DATE_EPOCH and compressor (the
    /// rest of its inputs are in the fingerprint); its copy is checked like a binary's. Never with
    /// `--verify-reproducible`, which writes the archive and compares.
    func cachedArchive(_ cached: ArtifactCacheEntry?, into work: URL) -> ArchiveStage.Output? {
        // A windows binary signed by Authenticode is signed again (and time-stamped) by every release.
        let signed = cell.target.goos == "windows" && plan.trust.authenticode != nil
        guard let cache, let cached, !plan.trust.reproducible, !signed, cached.sourceDateEpoch == plan.info.sourceDateEpoch,
            cached.compression == compression
        else { return nil }
        let name = ArchiveStage(plan: plan, cell: cell).name
        guard let digest = cached.archives.first(where: { $0.name == name }) else { return nil }
        let url = work.appendingPathComponent(name)
        guard cache.copyBlob(digest.sha256, size: digest.size, to: url) else { return nil }
        return ArchiveStage.Output(url: url, name: name, sha256: digest.sha256, size: digest.size)
    }

    /// Stores in the cache the archive this run wrote from the binary, with the compressor and epoch.
    func recordArchiveInCache(_ archive: ArchiveStage.Output) {
        guard usesCache, let cache, let key = fingerprint, !(cell.target.goos == "windows" && plan.trust.authenticode != nil)
        else { return }
        CancellationToken.$current.withValue(token) {
            cache.recordArchives(
                key, archives: [(archive.url, .init(name: archive.name, sha256: archive.sha256, size: archive.size))],
                compression: compression, epoch: plan.info.sourceDateEpoch)
        }
    }
}
