import Foundation

/// The release-wide `changelog` step: dist/CHANGELOG.md from git, in GoReleaser's format.
extension ReleaseSteps {
    /// A no-op unless `changelog:` is configured (and not disabled). CHANGELOG.md is listed in
    /// artifacts.json as Metadata (so verify checks it), not in checksums.txt (as with GoReleaser).
    func writeChangelog() -> (ok: Bool, artifacts: [ArtifactRecord]) {
        guard let config = plan.config.changelog, !config.disable else { return (true, []) }
        var artifacts: [ArtifactRecord] = []
        let ok = step(.changelog) {
            let environment = plan.cells.first?.environment ?? PlanBuilder.baseEnvironment(ProcessInfo.processInfo.environment)
            let source = try ChangelogSource.read(moduleDirectory: plan.moduleDirectory, currentTag: plan.source.exactTag,
                                                  environment: environment)
            let text = Changelog(entries: source.entries).markdown(config)
            let data = Data(text.utf8)
            try dist.write(data, as: DistPaths.changelog)
            let record = ArtifactRecord(name: DistPaths.changelog, path: DistPaths.changelog, kind: .manifest,
                                        sha256: FileDigest.sha256(data: data), size: Int64(data.count))
            hub.emit(.artifact(record))
            artifacts.append(record)
            let count = text.split(separator: "\n").filter { $0.hasPrefix("* ") }.count
            return "\(count) entr\(count == 1 ? "y" : "ies") from \(UntrustedText.escape(source.range))"
        }
        return (ok, artifacts)
    }
}
