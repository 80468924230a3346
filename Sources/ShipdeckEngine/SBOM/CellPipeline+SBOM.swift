import Foundation

/// The cell's `sbom` stage: SPDX and CycloneDX documents for the binary, from `go version -m`.
extension CellPipeline {
    /// One SBOM file written in the work folder, to be published with the cell's artifacts.
    struct SBOMFile {
        var url: URL
        var name: String
        var sha256: String
        var size: Int64
    }

    /// Writes the configured SBOMs of `binary` (already final: after Authenticode) into `work`.
    /// Returns nothing when `sbom:` is not configured.
    func sbomStage(binary: URL, into work: URL) throws -> [SBOMFile] {
        guard let config = plan.config.sbom, !config.formats.isEmpty else { return [] }
        var files: [SBOMFile] = []
        try stage(.sbom, report: { StageReport(detail: $0) }) { () throws -> String in
            let digest = try FileDigest.sha256(path: binary.path)
            let info = try GoBuildInfo.read(binary: binary, go: plan.toolchain.path, environment: cell.environment)
            let subject = SBOMSubject(
                fileName: cell.binaryName, sha256: digest.hex, project: plan.info.project, version: plan.info.version,
                modulePath: plan.source.modulePath, sourceDateEpoch: plan.info.sourceDateEpoch,
                shipdeckVersion: plan.info.shipdeckVersion)
            for format in config.formats {
                let (name, data): (String, Data)
                switch format {
                case .spdx:
                    (name, data) = (SPDXDocument.fileName(for: cell.binaryName),
                                    try SPDXDocument.make(subject: subject, info: info).encoded())
                case .cyclonedx:
                    (name, data) = (CycloneDXDocument.fileName(for: cell.binaryName),
                                    try CycloneDXDocument.make(subject: subject, info: info).encoded())
                }
                let url = work.appendingPathComponent(name)
                try data.write(to: url)
                files.append(SBOMFile(url: url, name: name, sha256: FileDigest.sha256(data: data), size: Int64(data.count)))
            }
            let modules = info.dependencies.count
            return "\(config.formats.map(\.rawValue).joined(separator: ", ")): \(modules) module\(modules == 1 ? "" : "s"), \(info.goVersion)"
        }
        return files
    }
}
