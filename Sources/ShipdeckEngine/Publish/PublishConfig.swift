import Foundation

/// The `publish:` section of shipdeck.yml. Each target is optional; `shipdeck publish` needs at least one.
package struct PublishConfig: Sendable {
    package var github: GitHubPublishConfig?
    package var registry: RegistryPublishConfig?
    package var homebrew: TapConfig?
    package var scoop: TapConfig?

    package init() {}

    package var isEmpty: Bool { github == nil && registry == nil && homebrew == nil && scoop == nil }

    /// Every environment variable a publish reads its secrets from (the GitHub token, the
    /// registry's username and password, the taps' tokens), for CI to pass from its secrets.
    package var secretVariables: [String] {
        var names = [github?.tokenEnv, registry?.usernameEnvironment, registry?.passwordEnvironment].compactMap { $0 }
        names += [homebrew, scoop].compactMap { $0?.repository.tokenEnvironment }
        return Array(Set(names)).sorted()
    }
}
