import Foundation

/// The cell's `sbom` stage: SPDX and CycloneDX documents for the binary, from `go version -m`.
extension CellPipeline {
    /// Writes the configured SBOMs of `binary` (already final: after Authenticode) into `work`.
    /// Returns nothing when `sbom:` is not configured.
    func sbomStage(binary: URL, into work: URL) throws -> [SBOMWriter.File] {
        guard let config = plan.config.sbom, !config.formats.isEmpty else { return [] }
        var files: [SBOMWriter.File] = []
        try stage(.sbom, report: { StageReport(detail: $0) }) { () throws -> String in
            let digest = try FileDigest.sha256(path: binary.path)
            let info = try GoBuildInfo.read(binary: binary, go: plan.toolchain.path, environment: cell.environment)
            let writer = SBOMWriter(config: config)
            files = try writer.write(subject: SBOMSubject(plan: plan, fileName: cell.binaryName, sha256: digest.hex),
                                     info: info, into: work)
            return writer.summary(info)
        }
        return files
    }
}

extension SBOMSubject {
    /// A binary of this release.
    init(plan: BuildPlan, fileName: String, sha256: String) {
        self.init(fileName: fileName, sha256: sha256, project: plan.info.project, version: plan.info.version,
                  modulePath: plan.source.modulePath, sourceDateEpoch: plan.info.sourceDateEpoch,
                  shipdeckVersion: plan.info.shipdeckVersion)
    }
}
