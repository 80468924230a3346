import Foundation

/// The `publish:` section of shipdeck.yml. Each target is optional; `shipdeck publish` needs at least one.
package struct PublishConfig: Sendable {
    package var github: GitHubPublishConfig?
    package var registry: RegistryPublishConfig?
    package var homebrew: TapConfig?
    package var scoop: TapConfig?

    package init() {}

    package var isEmpty: Bool { github == nil }
}
