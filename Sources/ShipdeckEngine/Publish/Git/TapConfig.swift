import Foundation

/// `publish.homebrew` or `publish.scoop` in shipdeck.yml: the tap or bucket git repository and
/// what the formula or manifest says beyond the release itself.
///
/// ```yaml
/// publish:
///   homebrew:
///     tap: git@github.com:acme/homebrew-tap.git   # a git URL, or a path to a repository
///     branch: main                 # default: the repository's default branch
///     directory: Formula           # default: Formula (Scoop: bucket)
///     name: hello                  # default: the project name
///     description: Says hello
///     homepage: https://example.com/hello   # default: the GitHub repository's page
///     license: MIT
///     token_env: TAP_TOKEN         # for https URLs: the variable holding a token that may push
///     commit_author: { name: Shipdeck, email: shipdeck@example.com }
///     url_template: "https://dl.example.com/{{ .Tag }}/{{ .ArtifactName }}"   # default: the GitHub asset
///     test_args: [-version]        # Homebrew only; default: smoke_args
///   scoop:
///     bucket: ../scoop-bucket
///     license: MIT
/// ```
package struct TapConfig: Sendable, Hashable {
    /// The git repository a formula or manifest is pushed to.
    package struct Repository: Sendable, Hashable {
        /// `publish.homebrew.tap` / `publish.scoop.bucket`, for errors.
        package var key: String
        /// A git URL, or an absolute path.
        package var url: String
        package var branch: String?
        /// The variable that holds a token for an https URL (never the token itself).
        package var tokenEnvironment: String?
        package var authorName = "Shipdeck"
        package var authorEmail = "shipdeck@localhost"

        package init(key: String, url: String, branch: String? = nil, tokenEnvironment: String? = nil) {
            self.key = key
            self.url = url
            self.branch = branch
            self.tokenEnvironment = tokenEnvironment
        }

        /// The URL without any user information, for messages.
        package var displayURL: String {
            guard let components = URLComponents(string: url), components.scheme != nil, components.user != nil
            else { return UntrustedText.escape(url) }
            var c = components
            c.user = nil
            c.password = nil
            return UntrustedText.escape(c.string ?? url)
        }

        /// The host of a plain `http://` URL that is not loopback: no token may be sent there.
        package var plainHTTPHost: String? {
            guard let c = URLComponents(string: url), c.scheme?.lowercased() == "http", let host = c.host else {
                return nil
            }
            return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) ? nil : host
        }

        /// `https://host/` for an http(s) URL: where the token header may go, and nowhere else.
        var httpPrefix: String? {
            guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(),
                scheme == "https" || scheme == "http", let host = c.host
            else { return nil }
            return "\(scheme)://\(host)\(c.port.map { ":\($0)" } ?? "")/"
        }
    }

    package enum Kind: String, Sendable, Hashable {
        case homebrew, scoop
    }

    package var kind: Kind
    package var repository: Repository
    package var name: String?
    package var directory: String
    package var description: String?
    package var homepage: String?
    package var license: String?
    /// A GoReleaser-style template for each asset's download URL (`.ArtifactName`, `.Tag`, …).
    package var urlTemplate: String?
    /// Homebrew's test: what it passes to the binary.
    package var testArguments: [String]?

    package init(kind: Kind, repository: Repository) {
        self.kind = kind
        self.repository = repository
        self.directory = kind == .homebrew ? "Formula" : "bucket"
    }

    /// The formula's or manifest's input for a release. `homepage` is the fallback when the config
    /// gives none (the GitHub repository's page); `url` gives each asset's published URL.
    package func release(
        project: String, version: String, binary: String, smokeArguments: [String], fallbackHomepage: String?,
        downloads: [ReleaseDownloads.Download]
    ) throws -> ReleaseDownloads {
        let section = "publish.\(kind.rawValue)"
        guard let homepage = homepage ?? fallbackHomepage, !homepage.isEmpty else {
            throw ShipdeckError(
                .config, "\(section): no homepage for the \(kind == .homebrew ? "formula" : "manifest")",
                hint: "set \(section).homepage (or publish.github, whose repository page is the default)")
        }
        return ReleaseDownloads(
            name: name ?? project.lowercased(), version: version, description: description ?? project,
            homepage: homepage, license: license, binary: binary, testArguments: testArguments ?? smokeArguments,
            downloads: downloads)
    }

    /// The download URL of one asset: `url_template` rendered, else `defaultURL`.
    package func downloadURL(
        for artifact: ArtifactRecord, values: ReleaseTemplateValues, defaultURL: String
    ) throws -> String {
        guard let urlTemplate else { return defaultURL }
        var context = values.releaseContext
        if let goos = artifact.goos, let goarch = artifact.goarch {
            context = values.context(for: BuildTarget(goos: goos, goarch: goarch, variant: artifact.variant))
        }
        context.fields["ArtifactName"] = artifact.name
        return try GoTemplate.render(urlTemplate, origin: "publish.\(kind.rawValue).url_template", context: context)
    }

    /// The commit message: it names the version.
    package func commitMessage(name: String, version: String) -> String {
        kind == .homebrew
            ? "\(name) \(version): Homebrew formula from shipdeck" : "\(name) \(version): Scoop manifest from shipdeck"
    }
}
