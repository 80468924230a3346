import Foundation

/// Remembers that `go list` found `main:` to be a main package of this module
/// (`PlanChecks.mainPackage`), so an unchanged re-run does not start go for it again: that one
/// command was a third of a fully cached release of a small module.
///
/// A passed check is an empty file under `$XDG_CACHE_HOME/shipdeck/checks/`, named by a SHA-256
/// over everything that decides the answer: the source tree's hash (every file of the module, so
/// go.mod and the package's files), a `go.work` above the module, the main package, the module's
/// path and directory, the go executable (path, size, mtime) and version, and the environment go
/// runs with. Only passes are remembered: a failing check runs (and explains itself) every time.
struct MainPackageCheckCache {
    let file: URL

    /// Files kept; past it the oldest half is removed (each is empty: this bounds inodes, not bytes).
    static let limit = 256

    /// Nil when the plan carries no source tree hash (only releases hash the tree while planning)
    /// or there is no cache folder.
    init?(plan: BuildPlan, environment: [String: String]) {
        guard let tree = plan.sourceTree, let base = ShipdeckCache.directory(environment: environment) else { return nil }
        var fields = [
            "main-package-check-v1", tree, CellFingerprint.workspaceFile(above: plan.moduleDirectory), plan.mainPackage,
            plan.source.modulePath, plan.moduleDirectory.path, plan.toolchain.version,
            CellFingerprint.fileIdentity(plan.toolchain.path),
        ]
        fields += environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let key = FileDigest.sha256(data: Data(fields.map { "\($0.utf8.count):\($0)\n" }.joined().utf8))
        file = base.appendingPathComponent("checks", isDirectory: true).appendingPathComponent("main-\(key)")
    }

    var passed: Bool { FileManager.default.fileExists(atPath: file.path) }

    /// Records a pass (a cache that cannot be written only costs the next run a go list).
    func recordPass() {
        let folder = file.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: file.path, contents: Data())
        prune(folder)
    }

    private func prune(_ folder: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path), names.count > Self.limit
        else { return }
        let dated = names.map { name -> (String, Date) in
            let url = folder.appendingPathComponent(name)
            let date = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? nil
            return (name, date ?? .distantPast)
        }.sorted { $0.1 < $1.1 }
        for (name, _) in dated.prefix(names.count - Self.limit / 2) where name != file.lastPathComponent {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
