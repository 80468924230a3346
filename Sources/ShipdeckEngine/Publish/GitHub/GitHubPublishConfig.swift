import Foundation

/// `publish.github` of shipdeck.yml: where the release goes and which variable holds the token.
package struct GitHubPublishConfig: Sendable, Hashable {
    /// `owner/name`.
    package var repository: String
    /// The environment variable holding the token (never the token itself).
    package var tokenEnv = "GITHUB_TOKEN"
    package var apiURL = URL(string: "https://api.github.com")!
    package var uploadURL = URL(string: "https://uploads.github.com")!
    /// Leave the release a draft at the end instead of publishing it.
    package var draft = false
    /// Replace an asset already on the release whose size or SHA-256 differs (else the publish stops).
    package var replaceExisting = false
    /// nil: a prerelease when the version has a `-` (1.2.0-rc.1).
    package var prerelease: Bool?
    /// The tag of the release; `{version}` is replaced. Default `v{version}`.
    package var tag = "v{version}"
    package var line: Int?

    package init(repository: String) { self.repository = repository }

    package var ownerAndName: (String, String) {
        let parts = repository.split(separator: "/", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }

    package func tagName(version: String) -> String { tag.replacingOccurrences(of: "{version}", with: version) }

    package func isPrerelease(version: String) -> Bool { prerelease ?? version.contains("-") }

    /// Only these two origins (scheme, host, port) ever receive the token.
    package func isConfiguredOrigin(_ url: URL) -> Bool {
        [apiURL, uploadURL].contains { Self.origin($0) == Self.origin(url) }
    }

    static func origin(_ url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(url.host?.lowercased() ?? ""):\(port)"
    }
}
