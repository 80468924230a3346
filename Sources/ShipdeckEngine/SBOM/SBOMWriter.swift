import Foundation

/// Writes the configured SBOM documents of one binary into a work folder, for publishing.
struct SBOMWriter {
    /// One SBOM file written in the work folder, to be published with the binary's artifacts.
    struct File {
        var url: URL
        var name: String
        var sha256: String
        var size: Int64
    }

    let config: SBOMConfig

    func write(subject: SBOMSubject, info: GoBuildInfo, into work: URL) throws -> [File] {
        var files: [File] = []
        for format in config.formats {
            let (name, data): (String, Data)
            switch format {
            case .spdx:
                (name, data) = (SPDXDocument.fileName(for: subject.fileName),
                                try SPDXDocument.make(subject: subject, info: info).encoded())
            case .cyclonedx:
                (name, data) = (CycloneDXDocument.fileName(for: subject.fileName),
                                try CycloneDXDocument.make(subject: subject, info: info).encoded())
            }
            let url = work.appendingPathComponent(name)
            do {
                try data.write(to: url)
            } catch {
                throw ShipdeckError(.io, "cannot write \(name): \(error.localizedDescription)")
            }
            files.append(File(url: url, name: name, sha256: FileDigest.sha256(data: data), size: Int64(data.count)))
        }
        return files
    }

    /// The stage's detail: `spdx, cyclonedx: 3 modules, go1.22.3`.
    func summary(_ info: GoBuildInfo) -> String {
        let modules = info.dependencies.count
        return "\(config.formats.map(\.rawValue).joined(separator: ", ")): \(modules) module\(modules == 1 ? "" : "s"), \(info.goVersion)"
    }
}
