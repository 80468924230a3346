import Foundation
import Yams

extension ConfigReader {
    static let publishKeys = ["github", "registry", "homebrew", "scoop"]
    static let githubKeys = [
        "repository", "token_env", "api_url", "upload_url", "draft", "replace_existing", "prerelease", "tag",
    ]

    /// `publish:` — `github` here; `registry`, `homebrew` and `scoop` by their own readers (Registry/, Git/).
    func publish(_ node: Node) throws -> PublishConfig {
        var config = PublishConfig()
        for (keyNode, value) in try mapping(node, key: "publish") {
            switch keyNode.string ?? "" {
            case "github": config.github = try githubPublish(value)
            case "registry": config.registry = try registryPublish(value)
            case "homebrew": config.homebrew = try homebrewPublish(value)
            case "scoop": config.scoop = try scoopPublish(value)
            default:
                throw unknownKey("publish.\(keyNode.string ?? "?")", at: keyNode, known: Self.publishKeys)
            }
        }
        return config
    }

    func githubPublish(_ node: Node) throws -> GitHubPublishConfig {
        var repository: String?
        var config = GitHubPublishConfig(repository: "")
        config.line = node.mark?.line
        var uploadGiven = false
        for (keyNode, value) in try mapping(node, key: "publish.github") {
            let key = "publish.github.\(keyNode.string ?? "?")"
            switch keyNode.string ?? "" {
            case "repository":
                let text = try string(value, key: key)
                guard text.range(of: #"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"#, options: .regularExpression) != nil,
                    !text.hasSuffix(".git")
                else {
                    throw error(key, at: value, "'\(text)' is not owner/name", hint: "write it as octocat/hello")
                }
                repository = text
            case "token_env":
                let name = try string(value, key: key)
                guard name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
                    throw error(
                        key, at: value, "expected the NAME of an environment variable",
                        hint: "token_env names the variable (GITHUB_TOKEN); never write the token in the config")
                }
                config.tokenEnv = name
            case "api_url": config.apiURL = try httpURL(value, key: key)
            case "upload_url":
                config.uploadURL = try httpURL(value, key: key)
                uploadGiven = true
            case "draft": config.draft = try bool(value, key: key)
            case "replace_existing": config.replaceExisting = try bool(value, key: key)
            case "prerelease":
                if value.string == "auto" { config.prerelease = nil } else { config.prerelease = try bool(value, key: key) }
            case "tag":
                config.tag = try string(value, key: key)
                // The template with a version in it must be a git tag (check-ref-format's rules).
                if let problem = GitRefName.problem(config.tag.replacingOccurrences(of: "{version}", with: "1.0.0")) {
                    throw error(
                        key, at: value, "'\(UntrustedText.escape(config.tag))' is not a git tag name: \(problem)",
                        hint: "write a tag such as v{version} (no spaces, '..', ~ ^ : ? * [ \\, control characters, "
                            + "leading '-', '@{', or a trailing '.lock' or '/')")
                }
            default:
                throw unknownKey(key, at: keyNode, known: Self.githubKeys)
            }
        }
        guard let repository else {
            throw error(
                "publish.github", at: node, "repository is required", hint: "add `repository: owner/name` under github:")
        }
        config.repository = repository
        if !uploadGiven, config.apiURL.host?.lowercased() != "api.github.com" {
            // GitHub Enterprise serves uploads beside the API: https://HOST/api/v3 → https://HOST/api/uploads.
            var text = config.apiURL.absoluteString
            while text.hasSuffix("/") { text.removeLast() }
            if text.hasSuffix("/api/v3") { text = String(text.dropLast(3)) + "/uploads" }
            config.uploadURL = URL(string: text) ?? config.apiURL
        }
        return config
    }

    /// An http(s) URL with a host; plain http only to a loopback address (a token never crosses a
    /// network unencrypted).
    func httpURL(_ node: Node, key: String) throws -> URL {
        let text = try string(node, key: key)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty, url.user == nil, url.query == nil
        else {
            throw error(key, at: node, "'\(text)' is not an https:// URL", hint: "for example https://github.example.com/api/v3")
        }
        if scheme == "http", !["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) {
            throw error(
                key, at: node, "plain http:// to \(host) would send the token unencrypted",
                hint: "use https:// (http:// is accepted for 127.0.0.1 and localhost only)")
        }
        return url
    }
}
