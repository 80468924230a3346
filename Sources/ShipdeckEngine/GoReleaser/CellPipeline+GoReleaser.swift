import Foundation

extension CellPipeline {
    /// Runs a build's `hooks.pre` / `hooks.post` through the process runner, output to the cell's log.
    /// `{{ .Path }}` in a hook is the binary just built.
    func runGoReleaserHooks(_ hooks: [GoReleaserHookPlan], binary: URL) throws {
        for hook in hooks {
            let arguments = hook.arguments.map {
                $0.replacingOccurrences(of: GoReleaserPlanner.pathMarker, with: binary.path)
            }
            let environment = PlanBuilder.baseEnvironment(ProcessInfo.processInfo.environment).merging(hook.environment) { $1 }
            let directory = hook.directory.isEmpty
                ? plan.moduleDirectory : plan.moduleDirectory.appendingPathComponent(hook.directory)
            let result = try runLogged(try GoReleaserHookRunner.spec(arguments, hook: hook, environment: environment, directory: directory))
            if result.cancelled { throw StageFailure(message: "cancelled", cancelled: true) }
            guard result.succeeded else { throw StageFailure(message: "\(hook.origin) failed (\(result.summary))") }
        }
    }

    /// The archives and `format: binary` files of a GoReleaser cell, written into `work`.
    func writeGoReleaserArchives(_ g: GoReleaserCell, binary: URL, work: URL) throws -> [(
        url: URL, name: String, kind: ArtifactRecord.Kind, digest: (hex: String, size: Int64)?
    )] {
        var out: [(URL, String, ArtifactRecord.Kind, (hex: String, size: Int64)?)] = []
        for archive in g.archives {
            try checkCancelledForArchives()
            if archive.format == "binary" {
                // The uploadable copy of the binary, under its archive name (GoReleaser uploads the same file).
                let folder = work.appendingPathComponent("upload", isDirectory: true)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let copy = folder.appendingPathComponent(archive.name)
                try? FileManager.default.removeItem(at: copy)
                try FileManager.default.copyItem(at: binary, to: copy)
                out.append((copy, archive.name, .binary, nil))
                continue
            }
            let entries = try GoReleaserArchiveEntries.evaluate(
                archive, moduleDirectory: plan.moduleDirectory, distDirectory: plan.distDirectory,
                binaries: [cell.id: binary])
            let output = work.appendingPathComponent(archive.name)
            let digest = try GoReleaserArchiveEntries.write(
                entries, format: archive.format, mtime: plan.info.sourceDateEpoch, to: output.path)
            out.append((output, archive.name, .archive, digest))
        }
        return out
    }

    private func checkCancelledForArchives() throws {
        if token.isCancelled { throw StageFailure(message: "cancelled", cancelled: true) }
    }
}
