import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One attempt of one cell: build → [reproducibility] → [authenticode] → [smoke] → [archive] →
/// hash and publish → [sign]. It reports through events only.
struct CellPipeline {
    let plan: BuildPlan
    let cell: CellPlan
    let attempt: Int
    let dist: DistFolder
    let token: CancellationToken
    let hub: EventHub
    /// Runs every child of the attempt (builds, smoke tests; signers find `token` through
    /// `CancellationToken.current`, which each stage binds).
    var runner: any CommandRunner = ProcessRunner()
    /// The engine's own record, told of build times and published files before they are announced.
    var ledger: ReleaseLedger?
    /// Called once the CPU-heavy part (the builds) is over, so the scheduler can start the next
    /// cell's build while this one archives, hashes and signs.
    var onBuildsDone: () -> Void = {}
    /// Builds sharing the machine when this one started, itself included: how many threads go
    /// gets (`GoThreads`).
    var buildsAtOnce = 1
    /// The artifact cache (Cache/), nil with `--no-cache`; and this cell's input fingerprint, its key.
    var cache: ArtifactCache?
    var fingerprint: String?

    /// Why an attempt stopped early.
    struct StageFailure: Error {
        var message: String
        var cancelled = false
    }

    /// How a stage that did not throw ended: most succeed without a detail; smoke can be
    /// `skipped` and says which check ran.
    struct StageReport {
        var result: StageResult = .succeeded
        var detail: String?
        /// The cell's error when `result` is `failed` (default: `detail`).
        var failure: String?
    }

    func run() -> (CellStatus, String?) {
        do {
            let work = try dist.workDirectory(for: cell.id, attempt: attempt)
            defer { try? FileManager.default.removeItem(at: work) }
            // From the artifact cache when an earlier build had the same inputs (Cache/CellPipeline+Cache.swift).
            let (binary, cached) = try buildStage(into: work)
            let second = try reproducibilityStage(binary: binary, work: work)  // only with --verify-reproducible / reproducible: true
            onBuildsDone()
            // The binary's digest when it is already known (checked on its way out of the cache, or
            // taken to store it there), so the hash stage does not read it again.
            var digest = cached.map { (hex: $0.sha256, size: $0.size) }
            if cached == nil { digest = storeInCache(binary, buildSeconds: ledger?.cell(cell.id)?.buildSeconds) }
            if try authenticodeStage(binary: binary) { digest = nil }  // only windows cells with an authenticode signer: signed in place
            if cell.smoke { try smokeStage(binary: binary) }
            var artifacts: [(url: URL, name: String, kind: ArtifactRecord.Kind, digest: (hex: String, size: Int64)?)] =
                [(binary, cell.binaryName, .binary, digest)]
            // SPDX/CycloneDX documents of the binary (SBOM/CellPipeline+SBOM.swift); none unless `sbom:` is set.
            artifacts += try sbomStage(binary: binary, into: work).map { ($0.url, $0.name, .sbom, ($0.sha256, $0.size)) }
            if let g = cell.goreleaser {  // GoReleaser/CellPipeline+GoReleaser.swift
                artifacts += try stage(.archive) { try writeGoReleaserArchives(g, binary: binary, work: work) }
            } else if cell.archiveFormat != .binary {
                // The archive is hashed while it is written; the hash stage reuses that digest.
                // A cached binary's archive may come from the cache too (Cache/CellPipeline+Cache.swift); with
                // --verify-reproducible it is written and compared with the second build's and the earlier run's.
                let (archive, _, reused) = try stage(
                    .archive, report: { StageReport(result: $0.2 ? .cached : .succeeded, detail: $0.1) }
                ) { () throws -> (ArchiveStage.Output, String?, Bool) in
                    if let reused = cachedArchive(cached, into: work) {
                        return (reused, "sha256 \(reused.sha256.prefix(16)) from the artifact cache", true)
                    }
                    let archive = try ArchiveStage(plan: plan, cell: cell).write(binary: binary, into: work)
                    return (archive, try compareArchives(archive, binary: binary, second: second, cached: cached, work: work), false)
                }
                artifacts.append((archive.url, archive.name, .archive, (archive.sha256, archive.size)))
                if !reused { recordArchiveInCache(archive) }
            }
            artifacts += try packagesStage(binary: binary, into: work)  // only Linux cells with `packages:`
            try stage(.hash) {
                for artifact in artifacts {
                    try checkCancelled()
                    let digest = try artifact.digest ?? FileDigest.sha256(path: artifact.url.path)
                    let published = try dist.publish(artifact.url, as: artifact.name)
                    let record = ArtifactRecord(
                        name: artifact.name, path: artifact.name.contains("/") ? artifact.name : published.lastPathComponent, kind: artifact.kind, cell: cell.id,
                        target: cell.target, sha256: digest.hex, size: digest.size)
                    ledger?.add([record], cell: cell.id, attempt: attempt)
                    hub.emit(.artifact(record))
                }
                return ()
            }
            try signArtifactsStage(names: artifacts.map(\.name))  // only with `signs: artifacts` signers
            return (.succeeded, nil)
        } catch let failure as StageFailure {
            return (failure.cancelled ? .cancelled : .failed, failure.message)
        } catch {
            return (.failed, "\(error)")
        }
    }

    /// The one stage runner: every stage of every cell runs between its started/finished events
    /// here, with the cell's token bound as `CancellationToken.current` (so a signer's child is
    /// stopped by a cancel too). `report` turns the body's value into the stage's result; a
    /// `failed` or `cancelled` report ends the attempt like a thrown error.
    @discardableResult
    func stage<T>(_ stage: CellStage, report: (T) -> StageReport = { _ in StageReport() }, _ body: () throws -> T)
        throws -> T
    {
        try checkCancelled()
        hub.emit(.stageStarted(cell: cell.id, attempt: attempt, stage: stage))
        let start = DispatchTime.now()
        func finish(_ result: StageResult, _ detail: String?) {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            if stage == .build, result == .succeeded { ledger?.update(cell.id) { $0.buildSeconds = seconds } }
            hub.emit(.stageFinished(cell: cell.id, attempt: attempt, stage: stage, result: result, seconds: seconds,
                                    detail: detail))
        }
        let value: T
        do {
            value = try CancellationToken.$current.withValue(token) { try body() }
        } catch {
            let failure = stopped() ?? (error as? StageFailure) ?? StageFailure(message: Self.describe(error, in: stage))
            finish(failure.cancelled ? .cancelled : .failed, failure.message)
            throw failure
        }
        let outcome = report(value)
        finish(outcome.result, outcome.detail)
        switch outcome.result {
        case .failed: throw StageFailure(message: outcome.failure ?? outcome.detail ?? "\(stage.rawValue) failed")
        case .cancelled: throw StageFailure(message: outcome.detail ?? "cancelled", cancelled: true)
        case .succeeded, .skipped, .cached: return value
        }
    }

    /// An error as a stage's detail: signing stages show a signer's message alone (its hint is
    /// in the signature record); the others show the hint too.
    static func describe(_ error: Error, in stage: CellStage) -> String {
        switch stage {
        case .authenticode, .sign, .reproducibility, .sbom: return SignatureMaker.message(error)
        default: return "\(error)"
        }
    }

    /// Why the cell's token stopped it, as a stage failure: cancelled, or failed with the
    /// timeout it passed. Nil while it runs.
    func stopped() -> StageFailure? {
        switch token.reason {
        case nil: return nil
        case .cancelled: return StageFailure(message: "cancelled", cancelled: true)
        case .timedOut(let what): return StageFailure(message: "timed out (\(what)): its process tree was killed")
        case .aborted(let what): return StageFailure(message: "stopped (\(what)): its process tree was killed")
        }
    }

    private func checkCancelled() throws {
        if let failure = stopped() { throw failure }
    }

    func build(into work: URL) throws -> URL {
        let output = work.appendingPathComponent(cell.executableName)
        // A GoReleaser build has its own main package and directory, and hooks around the build.
        let g = cell.goreleaser
        if let g { try runGoReleaserHooks(g.preHooks, binary: output) }
        let directory = g.map { $0.directory.isEmpty ? plan.moduleDirectory : plan.moduleDirectory.appendingPathComponent($0.directory) }
            ?? plan.moduleDirectory
        let threads = GoThreads.apply(
            arguments: cell.goArguments(output: output.path, mainPackage: g?.mainPackage ?? plan.mainPackage),
            environment: CompilerGarbageCollection.environment(cell.environment), buildsAtOnce: buildsAtOnce)
        let spec = ProcessSpec(executable: plan.toolchain.path, arguments: threads.arguments,
                               environment: try GoTemporaryFolder.environment(threads.environment, in: work),
                               workingDirectory: directory.path)
        let result = try runLogged(spec)
        if let failure = stopped() { throw failure }
        guard result.succeeded else {
            throw StageFailure(message: "go build failed (\(result.summary))")
        }
        guard FileManager.default.fileExists(atPath: output.path) else {
            throw StageFailure(message: "go build succeeded but wrote no binary at \(output.lastPathComponent)")
        }
        do {
            try ExecutableHeader.checkBuilt(output, target: cell.target)
        } catch let error as ShipdeckError {
            throw StageFailure(message: error.description)
        }
        if let g { try runGoReleaserHooks(g.postHooks, binary: output) }
        return output
    }

    /// Runs a child with its output going to the cell's log file and, line by line, to events.
    func runLogged(_ spec: ProcessSpec, timeout: TimeInterval? = nil, collect: OutputBox? = nil) throws -> ProcessResult {
        let logURL = dist.logURL(for: cell.id, attempt: attempt)
        let log = open(logURL.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { if log >= 0 { close(log) } }
        let header = "$ \(spec.commandLine)\n"
        _ = header.withCString { write(log, $0, strlen($0)) }
        hub.emit(.log(cell: cell.id, attempt: attempt, lines: ["$ \(spec.commandLine)"]))
        return try runner.run(
            Command(spec, timeout: timeout, cancellation: token),
            raw: { bytes in if log >= 0 { _ = write(log, bytes.baseAddress, bytes.count) } },
            lines: { lines in
                collect?.append(lines)
                hub.emit(.log(cell: cell.id, attempt: attempt, lines: lines))
            })
    }
}
