import Foundation

/// The release-wide trust steps: signing the checksums file, and provenance.
extension ReleaseSteps {
    /// `sign-checksums`: each `signs: checksums` signer signs the checksums file. Skipped (no
    /// event) when no such signer is configured.
    func signChecksums(_ checksums: ArtifactRecord?, into artifacts: inout [ArtifactRecord]) -> Bool {
        let signers = plan.trust.checksumSigners
        guard !signers.isEmpty, let checksums else { return true }
        var made: [ArtifactRecord] = []
        let ok = step(.signChecksums) {
            made = try SignatureMaker(dist: dist, hub: hub).sign(checksums.name, with: signers)
            let unchecked = signers.filter { $0.config.kind == .command && $0.config.verifyCommand.isEmpty }.count
            return unchecked == 0
                ? "\(made.count) of \(signers.count) signatures made and verified"
                : "\(made.count) of \(signers.count) signatures made, \(unchecked) not checked (no verify_command)"
        }
        artifacts += made
        return ok
    }

    /// `provenance`: an in-toto statement naming every artifact, in a DSSE envelope signed with
    /// the native key, checked with its package key before it is published.
    func writeProvenance(subjects: [ArtifactRecord], into artifacts: inout [ArtifactRecord]) -> Bool {
        guard plan.trust.provenance, let signer = plan.trust.provenanceSigner else { return true }
        var made: ArtifactRecord?
        let ok = step(.provenance) {
            let environment = plan.cells.first?.environment ?? PlanBuilder.baseEnvironment(ProcessInfo.processInfo.environment)
            let modules = ProvenanceStatement.goModuleDependencies(try ProvenanceStatement.buildInfos(
                of: subjects, in: dist.url, go: plan.toolchain.path, environment: environment))
            let statement = ProvenanceStatement.make(plan: plan, artifacts: subjects, goModules: modules,
                                                     remote: SourceRemote.origin(of: plan.moduleDirectory, environment: environment),
                                                     cached: cachedBuilds)
            let envelope = try DSSEEnvelope.sign(
                payload: try statement.encoded(), type: DSSEEnvelope.inTotoPayloadType,
                with: signer)
            guard envelope.isSigned(by: signer.publicKey) else {
                throw ShipdeckError(.signing, "the provenance signature does not verify with the native package key")
            }
            let name = ProvenanceStatement.fileName(plan.info)
            let data = try envelope.encoded()
            try dist.write(data, as: name)
            let record = ArtifactRecord(
                name: name, path: name, kind: .provenance, sha256: FileDigest.sha256(data: data),
                size: Int64(data.count))
            hub.emit(.artifact(record))
            hub.emit(
                .signature(
                    SignatureRecord(
                        file: name, signer: signer.name, signature: name, state: .verified,
                        detail: "DSSE envelope over \(statement.subject.count) subjects")))
            made = record
            return "\(statement.subject.count) subjects, DSSE signed by \(signer.name)"
        }
        if let made { artifacts.append(made) }
        return ok
    }
}
