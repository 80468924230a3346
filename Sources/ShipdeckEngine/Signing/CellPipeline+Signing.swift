import Foundation

/// The cell's signing stages: Authenticode inside the .exe before it is hashed or archived, and
/// detached signatures of each published artifact for signers with `signs: artifacts`.
extension CellPipeline {
    /// Embeds an Authenticode signature in a Windows executable, in place. No-op elsewhere.
    func authenticodeStage(binary: URL) throws {
        guard cell.target.goos == "windows", let signer = plan.trust.authenticode else { return }
        try runStage(.authenticode) {
            let report = { (state: SignatureRecord.State, detail: String?) in
                hub.emit(
                    .signature(
                        SignatureRecord(
                            file: cell.binaryName, signer: signer.config.displayName,
                            signature: "(embedded)", state: state, detail: detail)))
            }
            report(.signing, nil)
            let signed = binary.appendingPathExtension("signed")
            do {
                try SignatureMaker.toolLock.withLock {
                    try signer.sign(
                        binary, to: signed, description: plan.info.project, epoch: plan.info.sourceDateEpoch)
                }
                report(.signed, nil)
                try signer.verify(signed)
            } catch {
                report(.failed, SignatureMaker.message(error))
                throw error
            }
            guard rename(signed.path, binary.path) == 0 else {
                throw ShipdeckError(.io, "cannot replace \(binary.lastPathComponent) with its signed copy")
            }
            report(.verified, "Authenticode signature embedded; osslsigncode verify ok")
            return "Authenticode signature embedded and verified"
        }
    }

    /// Signs every artifact of the cell with the `signs: artifacts` signers.
    func signArtifactsStage(names: [String]) throws {
        let signers = plan.trust.artifactSigners
        guard !signers.isEmpty else { return }
        try runStage(.sign) {
            var count = 0
            for name in names {
                count += try SignatureMaker(dist: dist, hub: hub).sign(name, with: signers, cell: cell.info).count
            }
            return "\(count) signatures"
        }
    }

    /// Runs a stage between its events, with a detail on success too.
    func runStage(_ stage: CellStage, _ body: () throws -> String?) throws {
        if token.isCancelled { throw StageFailure(message: "cancelled", cancelled: true) }
        hub.emit(.stageStarted(cell: cell.id, attempt: attempt, stage: stage))
        let start = DispatchTime.now()
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
        do {
            let detail = try body()
            hub.emit(
                .stageFinished(
                    cell: cell.id, attempt: attempt, stage: stage, result: .succeeded,
                    seconds: seconds(), detail: detail))
        } catch {
            let cancelled = token.isCancelled || (error as? StageFailure)?.cancelled == true
            let message = cancelled ? "cancelled" : ((error as? StageFailure)?.message ?? SignatureMaker.message(error))
            hub.emit(
                .stageFinished(
                    cell: cell.id, attempt: attempt, stage: stage,
                    result: cancelled ? .cancelled : .failed, seconds: seconds(), detail: message))
            throw StageFailure(message: message, cancelled: cancelled)
        }
    }
}
