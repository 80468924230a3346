import Foundation

/// Signs files already in dist/ and reports each signature as it goes
/// (pending → signing → signed → verified, or failed). A signature is published under its final
/// name only after it verified with the package key.
struct SignatureMaker {
    /// One signing tool at a time across the release: minisign's key derivation alone takes a
    /// GiB of memory, and cells that finish together would otherwise run several at once.
    static let toolLock = NSLock()

    let dist: DistFolder
    let hub: EventHub

    /// Signs dist/`name` with every signer; returns the signature artifacts. Throws the first
    /// failure after trying every signer, so the signing pane shows them all.
    func sign(_ name: String, with signers: [any Signer], cell: CellInfo? = nil) throws -> [ArtifactRecord] {
        let file = dist.url.appendingPathComponent(name)
        for signer in signers {
            hub.emit(
                .signature(
                    SignatureRecord(
                        file: name, signer: signer.name, signature: name + signer.config.signatureSuffix,
                        state: .pending)))
        }
        try FileManager.default.createDirectory(at: dist.workURL, withIntermediateDirectories: true)
        var records: [ArtifactRecord] = []
        var firstError: Error?
        for signer in signers {
            let signatureName = name + signer.config.signatureSuffix
            func report(_ state: SignatureRecord.State, _ detail: String? = nil) {
                hub.emit(
                    .signature(
                        SignatureRecord(
                            file: name, signer: signer.name, signature: signatureName, state: state,
                            detail: detail)))
            }
            let temp = dist.workURL.appendingPathComponent("\(signatureName).\(UUID().uuidString.prefix(8)).partial")
            defer { try? FileManager.default.removeItem(at: temp) }
            report(.signing)
            do {
                try Self.toolLock.withLock { try signer.sign(file, to: temp) }
            } catch {
                report(.failed, "signing failed: \(Self.message(error))")
                firstError = firstError ?? error
                continue
            }
            report(.signed)
            do {
                try Self.toolLock.withLock { try signer.verify(file, signature: temp) }
                let published = try dist.publish(temp, as: signatureName)
                let digest = try FileDigest.sha256(path: published.path)
                let record = ArtifactRecord(
                    name: signatureName, path: signatureName, kind: .signature, cell: cell?.id,
                    target: cell?.target, sha256: digest.hex, size: digest.size)
                hub.emit(.artifact(record))
                records.append(record)
                if signer.config.kind == .command, signer.config.verifyCommand.isEmpty {
                    // Nothing checked it: it ends `signed`, with the reason, not `verified`.
                    report(.signed, "not checked: the command signer has no verify_command")
                } else {
                    report(.verified, "\(signer.config.kind.rawValue) signature checked with the package key")
                }
            } catch {
                report(.failed, "self-verification failed: \(Self.message(error))")
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
        return records
    }

    static func message(_ error: Error) -> String {
        (error as? ShipdeckError)?.message ?? "\(error)"
    }
}
