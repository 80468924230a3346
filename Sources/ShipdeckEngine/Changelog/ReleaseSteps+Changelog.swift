import Foundation

/// The release-wide `changelog` step: dist/CHANGELOG.md from git, in GoReleaser's format.
extension ReleaseSteps {
    /// A no-op unless `changelog:` is configured (and not disabled).
    func writeChangelog() -> Bool {
        guard let config = plan.config.changelog, !config.disable else { return true }
        return step(.changelog) {
            let environment = plan.cells.first?.environment ?? PlanBuilder.baseEnvironment(ProcessInfo.processInfo.environment)
            let source = try ChangelogSource.read(moduleDirectory: plan.moduleDirectory, currentTag: plan.source.exactTag,
                                                  environment: environment)
            let text = Changelog(entries: source.entries).markdown(config)
            try dist.write(Data(text.utf8), as: DistPaths.changelog)
            let count = text.split(separator: "\n").filter { $0.hasPrefix("* ") }.count
            return "\(count) entr\(count == 1 ? "y" : "ies") from \(UntrustedText.escape(source.range))"
        }
    }
}
