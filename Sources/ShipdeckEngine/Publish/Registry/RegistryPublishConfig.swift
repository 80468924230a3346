import Foundation
import Yams

/// `publish.registry` in shipdeck.yml: push dist/'s OCI image layout to a registry.
///
/// ```yaml
/// publish:
///   registry:
///     repository: ghcr.io/acme/hello   # HOST[:PORT]/PATH (required)
///     username_env: REGISTRY_USER      # the variables holding the credentials (never the values)
///     password_env: REGISTRY_PASSWORD
///     insecure: false                  # plain HTTP; only for a registry on loopback
///     image: hello                     # the layout folder in dist/ (default: the only one, images.name)
///     tags: [1.2.3, latest]            # default: the tags of the layout's index.json
///     chunk_size: 8MiB                 # blobs larger than this go up in chunks (PATCH); default 16MiB
/// ```
package struct RegistryPublishConfig: Sendable, Hashable {
    package var repository: RegistryRepository
    package var usernameEnvironment: String?
    package var passwordEnvironment: String?
    package var insecure = false
    package var image: String?
    package var tags: [String]?
    package var chunkSize: Int64 = 16 << 20

    package init(repository: RegistryRepository) { self.repository = repository }

    static let keys = ["repository", "username_env", "password_env", "insecure", "image", "tags", "chunk_size"]

    /// The credentials from the environment. Throws, naming the variable, when a configured one is
    /// unset or empty — before anything is sent.
    package func credentials(from environment: [String: String]) throws -> RegistryCredentials? {
        guard let user = usernameEnvironment, let password = passwordEnvironment else { return nil }
        for name in [user, password] where (environment[name] ?? "").isEmpty {
            throw ShipdeckError(
                .config,
                "publish.registry: \(name) is not set (publish.registry.\(name == user ? "username_env" : "password_env") names it)",
                hint: "export \(name) with the registry \(name == user ? "user name" : "password or token") before publishing")
        }
        return RegistryCredentials(username: environment[user]!, password: environment[password]!)
    }
}

/// A user name and password for a registry, from the environment. Never printed: its description
/// names nothing but the user.
package struct RegistryCredentials: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    package var username: String
    package var password: String

    package init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    package var basicAuthorization: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    package var description: String { "credentials for \(UntrustedText.escape(username))" }
    package var customMirror: Mirror { Mirror(self, children: ["username": username], displayStyle: .struct) }
}

extension ConfigReader {
    /// Reads `publish.registry`. `insecure: true` for a host that is not loopback is refused here,
    /// before any release is built.
    package func registryPublish(_ node: Node) throws -> RegistryPublishConfig {
        let entries = try mapping(node, key: "publish.registry")
        guard let repoNode = entries.first(where: { $0.key.string == "repository" })?.value else {
            throw error(
                "publish.registry", at: node, "'repository' is missing",
                hint: "name where images go: repository: HOST[:PORT]/PATH, like ghcr.io/acme/hello")
        }
        let text = try string(repoNode, key: "publish.registry.repository")
        guard let repository = RegistryRepository(parsing: text) else {
            throw error(
                "publish.registry.repository", at: repoNode, "'\(UntrustedText.escape(text))' is not HOST[:PORT]/PATH",
                hint: "write the registry host and the repository, like ghcr.io/acme/hello or 127.0.0.1:5000/hello")
        }
        var config = RegistryPublishConfig(repository: repository)
        var insecureNode: Node?
        for (k, v) in entries {
            let name = k.string ?? "?"
            let key = "publish.registry.\(name)"
            switch name {
            case "repository": break
            case "username_env": config.usernameEnvironment = try environmentName(v, key: key)
            case "password_env": config.passwordEnvironment = try environmentName(v, key: key)
            case "insecure":
                config.insecure = try bool(v, key: key)
                insecureNode = v
            case "image":
                let image = try string(v, key: key)
                guard ImageTag.isValidRepositoryName(image), !image.contains("/") else {
                    throw error(key, at: v, "'\(UntrustedText.escape(image))' is not an image layout folder name",
                                hint: "name the folder in dist/ that images: writes (images.name)")
                }
                config.image = image
            case "tags":
                let tags = try strings(v, key: key)
                for tag in tags where !ImageTag.isValid(tag) {
                    throw error(key, at: v, "'\(UntrustedText.escape(tag))' is not a valid image tag",
                                hint: "tags use letters, digits, '_', '.' and '-', at most 128 characters")
                }
                config.tags = tags
            case "chunk_size":
                let value = try string(v, key: key)
                guard let size = Self.byteSize(value), size >= 1024 else {
                    throw error(key, at: v, "'\(UntrustedText.escape(value))' is not a size of at least 1KiB",
                                hint: "write bytes or a size like 512KiB, 8MiB")
                }
                config.chunkSize = size
            case "username", "password", "token":
                throw secretWritten(key, at: k, variable: "\(name == "token" ? "password" : name)_env")
            default:
                throw unknownKey(key, at: k, known: RegistryPublishConfig.keys)
            }
        }
        if (config.usernameEnvironment == nil) != (config.passwordEnvironment == nil) {
            throw error(
                "publish.registry", at: node, "username_env and password_env go together",
                hint: "name both variables, or neither for a registry without authentication")
        }
        if config.insecure, !repository.isLoopback {
            throw error(
                "publish.registry.insecure", at: insecureNode ?? node,
                "plain HTTP is only allowed to a registry on loopback, not \(UntrustedText.escape(repository.host))",
                hint: "remove insecure: true (the registry must speak HTTPS), or use 127.0.0.1 / localhost")
        }
        return config
    }

    /// `1048576`, `512KiB`, `8MiB`, `1GiB` (also KB/MB/GB as powers of 1024, as registries' docs mean).
    static func byteSize(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30),
        ]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            guard let n = Int64(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), n > 0 else { return nil }
            return n.multipliedReportingOverflow(by: factor).overflow ? nil : n * factor
        }
        return Int64(t).flatMap { $0 > 0 ? $0 : nil }
    }
}
