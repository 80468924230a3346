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
        let files = try ArchiveFiles.expand(
            plan.config.archive.files, in: plan.moduleDirectory, excluding: [plan.distDirectory])
        let normalized = try Self.entries(cell: cell, binary: binary, files: files)
        let epoch = plan.info.sourceDateEpoch
        let digest: (hex: String, size: Int64)
        switch cell.archiveFormat {
        case .targz: digest = try TarGzWriter.write(normalized, mtime: epoch, to: output.path)
        case .zip: digest = try ZipWriter.write(normalized, mtime: epoch, to: output.path)
        case .binary: throw ShipdeckError(.io, "the binary format has no archive")
        }
        return Output(url: output, name: name, sha256: digest.hex, size: digest.size)
    }

    /// What a cell's archive holds, normalized: the binary and the `files:`, under the wrapping
    /// directory. The plan calls it too (with any binary path), so a bad layout fails before a build.
    static func entries(
        cell: CellPlan, binary: URL, files: [(relative: String, url: URL, executable: Bool)]
    ) throws -> [ArchiveEntry] {
        let root = cell.archiveDirectory.map { $0 + "/" } ?? ""
        var entries = [ArchiveEntry.file(root + cell.executableName, source: binary, executable: true)]
        for file in files {
            entries.append(.file(root + file.relative, source: file.url, executable: file.executable))
        }
        if let directory = cell.archiveDirectory { entries.append(.directory(directory)) }
        return try ArchiveEntry.normalized(entries)
    }
}
