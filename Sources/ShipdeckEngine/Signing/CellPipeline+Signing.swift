import Foundation

/// The cell's signing stages: Authenticode inside the .exe before it is hashed or archived, and
/// detached signatures of each published artifact for signers with `signs: artifacts`.
extension CellPipeline {
    /// Embeds an Authenticode signature in a Windows executable, in place. No-op elsewhere.
    /// Returns whether the binary was replaced (its bytes changed).
    @discardableResult
    func authenticodeStage(binary: URL) throws -> Bool {
        guard cell.target.goos == "windows", let signer = plan.trust.authenticode else { return false }
        try stage(.authenticode, report: { StageReport(detail: $0) }) { () throws -> String in
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
        return true
    }

    /// Signs every artifact of the cell with the `signs: artifacts` signers.
    func signArtifactsStage(names: [String]) throws {
        let signers = plan.trust.artifactSigners
        guard !signers.isEmpty else { return }
        try stage(.sign, report: { StageReport(detail: $0) }) { () throws -> String in
            var count = 0
            for name in names {
                let records = try SignatureMaker(dist: dist, hub: hub).sign(name, with: signers, cell: cell.info)
                ledger?.add(records, cell: cell.id, attempt: attempt)
                count += records.count
            }
            return "\(count) signatures"
        }
    }
}
