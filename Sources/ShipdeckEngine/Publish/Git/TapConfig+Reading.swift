import Foundation
import Yams

extension ConfigReader {
    static let homebrewKeys = [
        "tap", "branch", "directory", "name", "description", "homepage", "license", "token_env", "commit_author",
        "url_template", "test_args",
    ]
    static let scoopKeys = [
        "bucket", "branch", "directory", "name", "description", "homepage", "license", "token_env", "commit_author",
        "url_template",
    ]

    /// Reads `publish.homebrew`.
    package func homebrewPublish(_ node: Node) throws -> TapConfig {
        try tapConfig(node, kind: .homebrew, repositoryKey: "tap", known: Self.homebrewKeys)
    }

    /// Reads `publish.scoop`.
    package func scoopPublish(_ node: Node) throws -> TapConfig {
        try tapConfig(node, kind: .scoop, repositoryKey: "bucket", known: Self.scoopKeys)
    }

    private func tapConfig(_ node: Node, kind: TapConfig.Kind, repositoryKey: String, known: [String]) throws
        -> TapConfig
    {
        let section = "publish.\(kind.rawValue)"
        let entries = try mapping(node, key: section)
        guard let repoNode = entries.first(where: { $0.key.string == repositoryKey })?.value else {
            throw error(
                section, at: node, "'\(repositoryKey)' is missing",
                hint: "name the \(kind == .homebrew ? "tap" : "bucket") git repository: \(repositoryKey): "
                    + "git@host:owner/repo.git, https://host/owner/repo.git or a path")
        }
        let repository = try gitRepository(repoNode, key: "\(section).\(repositoryKey)")
        var config = TapConfig(kind: kind, repository: TapConfig.Repository(key: "\(section).\(repositoryKey)", url: repository))
        for (k, v) in entries {
            let name = k.string ?? "?"
            let key = "\(section).\(name)"
            switch name {
            case repositoryKey: break
            case "branch":
                let branch = try string(v, key: key)
                guard Self.isBranchName(branch) else {
                    throw error(key, at: v, "'\(UntrustedText.escape(branch))' is not a branch name",
                                hint: "write a branch such as main")
                }
                config.repository.branch = branch
            case "directory":
                let directory = try string(v, key: key)
                guard !directory.hasPrefix("/"), !directory.split(separator: "/").contains("..") else {
                    throw error(key, at: v, "'\(UntrustedText.escape(directory))' is not a folder inside the repository",
                                hint: "write a relative folder such as \(kind == .homebrew ? "Formula" : "bucket")")
                }
                config.directory = directory.split(separator: "/").joined(separator: "/")
            case "name":
                let value = try string(v, key: key)
                let valid = kind == .homebrew ? HomebrewFormula.isValidName(value) : ScoopManifest.isValidName(value)
                guard valid else {
                    throw error(key, at: v, "'\(UntrustedText.escape(value))' is not a \(kind == .homebrew ? "formula" : "manifest") name",
                                hint: "use lower-case letters, digits and '-', like hello or hello-cli")
                }
                config.name = value
            case "description": config.description = try string(v, key: key)
            case "homepage":
                let value = try string(v, key: key)
                guard let url = URLComponents(string: value), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                    url.host != nil
                else {
                    throw error(key, at: v, "'\(UntrustedText.escape(value))' is not an http(s) URL",
                                hint: "write the project's web page, like https://example.com/hello")
                }
                config.homepage = value
            case "license": config.license = try string(v, key: key)
            case "token_env": config.repository.tokenEnvironment = try environmentName(v, key: key)
            case "commit_author":
                for (ak, av) in try mapping(v, key: key) {
                    switch ak.string {
                    case "name": config.repository.authorName = try string(av, key: "\(key).name")
                    case "email": config.repository.authorEmail = try string(av, key: "\(key).email")
                    default: throw unknownKey("\(key).\(ak.string ?? "?")", at: ak, known: ["name", "email"])
                    }
                }
            case "url_template":
                let value = try string(v, key: key)
                do { _ = try GoTemplate(value, origin: key) } catch let e as ShipdeckError {
                    throw error(key, at: v, e.message, hint: e.hint)
                }
                config.urlTemplate = value
            case "test_args" where kind == .homebrew: config.testArguments = try strings(v, key: key)
            case "token", "password":
                throw secretWritten(key, at: k, variable: "token_env")
            default:
                throw unknownKey(key, at: k, known: known)
            }
        }
        if config.repository.tokenEnvironment != nil, config.repository.httpPrefix == nil {
            throw error(
                "\(section).token_env", at: node, "a token is only sent to an https repository URL",
                hint: "remove token_env for an ssh URL or a path (ssh uses your keys or agent)")
        }
        if config.repository.tokenEnvironment != nil, let host = config.repository.plainHTTPHost {
            throw error(
                "\(section).token_env", at: node,
                "plain http:// to \(UntrustedText.escape(host)) would send the token unencrypted",
                hint: "use an https:// URL (http:// with a token is accepted for 127.0.0.1 and localhost only)")
        }
        return config
    }

    /// A git URL (`scheme://…`, `user@host:path`) as it is, or a path made absolute against the
    /// config file's folder. A URL with a password in it is refused.
    func gitRepository(_ node: Node, key: String) throws -> String {
        let text = try string(node, key: key)
        guard !text.isEmpty, !text.hasPrefix("-") else {
            throw error(key, at: node, "'\(UntrustedText.escape(text))' is not a git repository URL or path")
        }
        if let c = URLComponents(string: text), c.scheme != nil, text.contains("://") {
            if c.password != nil || (c.user != nil && ["http", "https"].contains(c.scheme?.lowercased() ?? "")) {
                throw secretWritten(key, at: node, variable: "token_env")
            }
            return text
        }
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
            return text  // scp-like ssh: git@github.com:owner/repo.git
        }
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        return URL(fileURLWithPath: text, relativeTo: base).standardizedFileURL.path
    }

    /// An environment variable's name (`[A-Za-z_][A-Za-z0-9_]*`) for a `*_env` key.
    func environmentName(_ node: Node, key: String) throws -> String {
        let name = try string(node, key: key)
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
            name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) })
        else {
            throw error(
                key, at: node, "'\(UntrustedText.escape(name))' is not an environment variable name",
                hint: "\(key) names the variable that holds the secret, like REGISTRY_PASSWORD; the secret itself never goes in the file")
        }
        return name
    }

    func secretWritten(_ key: String, at node: Node, variable: String) -> ShipdeckError {
        // The value is not repeated: it may be the secret.
        error(
            key, at: node, "secrets are not written in shipdeck.yml",
            hint: "put it in an environment variable and name that variable with \(variable)")
    }

    static func isBranchName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("-") && !name.hasPrefix("/") && !name.hasSuffix("/") && !name.hasSuffix(".lock")
            && !name.contains("..") && !name.contains("//") && !name.contains("@{")
            && name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f && !"~^:?*[\\".unicodeScalars.contains($0) }
    }
}
