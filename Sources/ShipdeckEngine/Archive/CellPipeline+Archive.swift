import Foundation

/// Packages a cell's binary as its configured archive, hashing while it writes.
struct ArchiveStage {
    let plan: BuildPlan
    let cell: CellPlan

    struct Output {
        var url: URL
        var name: String
        var sha256: String
        var size: Int64
    }

    /// The archive's file name in dist/.
    var name: String { cell.archiveName ?? cell.info.artifactBase + "." + cell.archiveFormat.rawValue }

    func write(binary: URL, into work: URL) throws -> Output {
        let output = work.appendingPathComponent(name)
        let root = cell.archiveDirectory.map { $0 + "/" } ?? ""
        var entries = [ArchiveEntry.file(root + cell.executableName, source: binary, executable: true)]
        for file in try ArchiveFiles.expand(
            plan.config.archive.files, in: plan.moduleDirectory,
            excluding: [plan.distDirectory])
        {
            entries.append(.file(root + file.relative, source: file.url, executable: file.executable))
        }
        if let directory = cell.archiveDirectory { entries.append(.directory(directory)) }
        let normalized = try ArchiveEntry.normalized(entries)
        let epoch = plan.info.sourceDateEpoch
        let digest: (hex: String, size: Int64)
        switch cell.archiveFormat {
        case .targz: digest = try TarGzWriter.write(normalized, mtime: epoch, to: output.path)
        case .zip: digest = try ZipWriter.write(normalized, mtime: epoch, to: output.path)
        case .binary: throw ShipdeckError(.io, "the binary format has no archive")
        }
        return Output(url: output, name: name, sha256: digest.hex, size: digest.size)
    }
}
