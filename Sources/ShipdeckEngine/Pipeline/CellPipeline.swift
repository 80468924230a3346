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
    /// Called once the CPU-heavy part (the builds) is over, so the scheduler can start the next
    /// cell's build while this one archives, hashes and signs.
    var onBuildsDone: () -> Void = {}

    /// Why an attempt stopped early.
    struct StageFailure: Error {
        var message: String
        var cancelled = false
    }

    func run() -> (CellStatus, String?) {
        do {
            let work = try dist.workDirectory(for: cell.id, attempt: attempt)
            defer { try? FileManager.default.removeItem(at: work) }
            let binary = try stage(.build) { try build(into: work) }
            try reproducibilityStage(binary: binary)  // only with --verify-reproducible / reproducible: true
            onBuildsDone()
            try authenticodeStage(binary: binary)  // only for windows cells with an authenticode signer
            if cell.smoke { try smokeStage(binary: binary) }
            var artifacts: [(url: URL, name: String, kind: ArtifactRecord.Kind, digest: (hex: String, size: Int64)?)] =
                [(binary, cell.binaryName, .binary, nil)]
            // SPDX/CycloneDX documents of the binary (SBOM/CellPipeline+SBOM.swift); none unless `sbom:` is set.
            artifacts += try sbomStage(binary: binary, into: work).map { ($0.url, $0.name, .sbom, ($0.sha256, $0.size)) }
            if cell.archiveFormat != .binary {
                // The archive is hashed while it is written; the hash stage reuses that digest.
                let archive = try stage(.archive) { try ArchiveStage(plan: plan, cell: cell).write(binary: binary, into: work) }
                artifacts.append((archive.url, archive.name, .archive, (archive.sha256, archive.size)))
            }
            artifacts += try packagesStage(binary: binary, into: work)  // only Linux cells with `packages:`
            try stage(.hash) {
                for artifact in artifacts {
                    try checkCancelled()
                    let digest = try artifact.digest ?? FileDigest.sha256(path: artifact.url.path)
                    let published = try dist.publish(artifact.url, as: artifact.name)
                    hub.emit(.artifact(ArtifactRecord(
                        name: artifact.name, path: published.lastPathComponent, kind: artifact.kind, cell: cell.id,
                        target: cell.target, sha256: digest.hex, size: digest.size)))
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

    /// Runs one stage between its started/finished events.
    @discardableResult
    private func stage<T>(_ stage: CellStage, _ body: () throws -> T) throws -> T {
        try checkCancelled()
        hub.emit(.stageStarted(cell: cell.id, attempt: attempt, stage: stage))
        let start = DispatchTime.now()
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
        do {
            let value = try body()
            hub.emit(.stageFinished(cell: cell.id, attempt: attempt, stage: stage, result: .succeeded,
                                    seconds: seconds(), detail: nil))
            return value
        } catch var failure as StageFailure {
            if token.isCancelled { failure.cancelled = true }
            hub.emit(.stageFinished(cell: cell.id, attempt: attempt, stage: stage,
                                    result: failure.cancelled ? .cancelled : .failed, seconds: seconds(),
                                    detail: failure.message))
            throw failure
        } catch {
            let cancelled = token.isCancelled
            let message = cancelled ? "cancelled" : "\(error)"
            hub.emit(.stageFinished(cell: cell.id, attempt: attempt, stage: stage,
                                    result: cancelled ? .cancelled : .failed, seconds: seconds(), detail: message))
            throw StageFailure(message: message, cancelled: cancelled)
        }
    }

    private func checkCancelled() throws {
        if token.isCancelled { throw StageFailure(message: "cancelled", cancelled: true) }
    }

    private func build(into work: URL) throws -> URL {
        let output = work.appendingPathComponent(cell.executableName)
        let spec = ProcessSpec(executable: plan.toolchain.path,
                               arguments: cell.goArguments(output: output.path, mainPackage: plan.mainPackage),
                               environment: cell.environment, workingDirectory: plan.moduleDirectory.path)
        let result = try runLogged(spec)
        if result.cancelled { throw StageFailure(message: "cancelled", cancelled: true) }
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
        return output
    }

    /// Runs a child with its output going to the cell's log file and, line by line, to events.
    func runLogged(_ spec: ProcessSpec) throws -> ProcessResult {
        let logURL = dist.logURL(for: cell.id, attempt: attempt)
        let log = open(logURL.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { if log >= 0 { close(log) } }
        let header = "$ \(spec.commandLine)\n"
        _ = header.withCString { write(log, $0, strlen($0)) }
        hub.emit(.log(cell: cell.id, attempt: attempt, lines: ["$ \(spec.commandLine)"]))
        return try ProcessRunner.run(spec, cancellation: token,
                                     raw: { bytes in if log >= 0 { _ = write(log, bytes.baseAddress, bytes.count) } },
                                     lines: { lines in hub.emit(.log(cell: cell.id, attempt: attempt, lines: lines)) })
    }
}
