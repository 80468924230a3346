import Foundation

extension CellPipeline {
    /// A cell artifact waiting to be published: where it is, its dist/ name, its kind and, when
    /// its writer hashed it, its digest.
    typealias PendingArtifact = (url: URL, name: String, kind: ArtifactRecord.Kind, digest: (hex: String, size: Int64)?)

    /// The `package` stage of a Linux cell with `packages:`: its .deb and .rpm, written in the work
    /// directory (hashed while written) and published by the hash stage like the archive. With a
    /// gpg signer, the rpm carries an OpenPGP header signature. No-op for other cells.
    func packagesStage(binary: URL, into work: URL) throws -> [PendingArtifact] {
        guard let planned = plan.packages, let outputs = planned.outputs[cell.id], !outputs.isEmpty else { return [] }
        let gpg = plan.trust.signers.lazy.compactMap { $0 as? GPGSigner }.first
        var written: [PendingArtifact] = []
        try stage(.package, report: { StageReport(detail: $0) }) { () throws -> String in
            // Contents a before hook was to make are resolved now, and must exist.
            let packages = try planned.resolvingDeferredContents()
            var notes: [String] = []
            for output in outputs {
                if let stop = stopped() { throw stop }
                switch output.format {
                case .deb:
                    let deb = try DebWriter(
                        plan: packages, output: output, binary: binary, executableName: cell.executableName
                    )
                    .write(into: work)
                    written.append((deb.url, output.fileName, .linuxPackage, (deb.sha256, deb.size)))
                    notes.append(output.fileName)
                case .rpm:
                    var writer = RPMWriter(
                        plan: packages, output: output, binary: binary, executableName: cell.executableName)
                    if let gpg {
                        writer.signHeader = { header in try gpg.headerSignature(of: header, in: work) }
                    }
                    let rpm = try writer.write(into: work)
                    written.append((rpm.url, output.fileName, .linuxPackage, (rpm.sha256, rpm.size)))
                    if let gpg, rpm.signed {
                        hub.emit(
                            .signature(
                                SignatureRecord(
                                    file: output.fileName, signer: gpg.name, signature: "(rpm header)",
                                    state: .verified,
                                    detail: "OpenPGP header signature embedded; gpg --verify ok")))
                        notes.append("\(output.fileName) (header signed)")
                    } else {
                        notes.append(output.fileName)
                    }
                }
            }
            return notes.joined(separator: ", ")
        }
        return written
    }
}
