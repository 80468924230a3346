import Foundation
import Yams

/// `images:` in shipdeck.yml: container images written as an OCI image layout in dist/, one image
/// per Linux target, without a Docker engine.
///
/// ```yaml
/// images:
///   name: hello                    # layout folder dist/hello (default: the project name)
///   path: /usr/local/bin/hello     # where the binary goes in the image (default: /usr/local/bin/<binary>)
///   entrypoint: [/usr/local/bin/hello]   # default: [path]
///   base: ./base-layout:latest     # optional: a local OCI layout (folder[:tag]) whose layers go first
///   tags: [latest]                 # tags besides the version
/// ```
package struct ImageConfig: Sendable, Hashable {
    package var name: String?
    package var path: String?
    package var entrypoint: [String]?
    package var base: String?
    package var tags: [String] = []

    package init(
        name: String? = nil, path: String? = nil, entrypoint: [String]? = nil, base: String? = nil,
        tags: [String] = []
    ) {
        self.name = name
        self.path = path
        self.entrypoint = entrypoint
        self.base = base
        self.tags = tags
    }

    static let keys = ["name", "path", "entrypoint", "base", "tags"]
}

extension ConfigReader {
    /// Reads `images:`; `images: true` means every default.
    func images(_ node: Node) throws -> ImageConfig {
        if node.isScalar, let enabled = node.bool, node.string == "true" || node.string == "false" {
            guard enabled else {
                throw error(
                    "images", at: node, "images: false is the same as leaving images out", hint: "remove the key")
            }
            return ImageConfig()
        }
        var config = ImageConfig()
        for (k, v) in try mapping(node, key: "images") {
            let key = "images.\(k.string ?? "?")"
            switch k.string {
            case "name":
                let name = try string(v, key: key)
                guard ImageTag.isValidRepositoryName(name) else {
                    throw error(
                        key, at: v, "'\(name)' is not an image name",
                        hint: "use lower-case letters, digits, '.', '_', '-' and '/', like hello or acme/hello")
                }
                config.name = name
            case "path":
                let path = try string(v, key: key)
                guard path.hasPrefix("/"), !path.hasSuffix("/"), !path.split(separator: "/").contains("..") else {
                    throw error(
                        key, at: v, "'\(path)' is not an absolute file path inside the image",
                        hint: "write a path like /usr/local/bin/hello or /hello")
                }
                config.path = path
            case "entrypoint": config.entrypoint = try strings(v, key: key)
            case "base": config.base = try string(v, key: key)
            case "tags":
                config.tags = try strings(v, key: key)
                for tag in config.tags where !ImageTag.isValid(tag) {
                    throw error(
                        key, at: v, "'\(tag)' is not a valid image tag",
                        hint: "tags use letters, digits, '_', '.' and '-', at most 128 characters")
                }
            default:
                throw unknownKey(key, at: k, known: ImageConfig.keys)
            }
        }
        return config
    }
}

/// Image tags and names as registries accept them.
package enum ImageTag {
    /// A tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    package static func isValid(_ tag: String) -> Bool {
        guard let first = tag.unicodeScalars.first, tag.unicodeScalars.count <= 128 else { return false }
        func word(_ c: Unicode.Scalar) -> Bool {
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_")
        }
        return word(first) && tag.unicodeScalars.allSatisfy { word($0) || $0 == "." || $0 == "-" }
    }

    /// The tag for a version: characters a tag cannot hold (`+` of build metadata) become `_`,
    /// as Helm and others do.
    package static func forVersion(_ version: String) -> String {
        var scalars = version.unicodeScalars.map { c -> Character in
            let ok =
                c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "." || c == "-")
            return ok ? Character(c) : "_"
        }
        if scalars.first == "." || scalars.first == "-" { scalars.insert("v", at: 0) }
        return String(String(scalars).prefix(128))
    }

    package static func isValidRepositoryName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("/") && !name.hasSuffix("/") && !name.contains("//")
            && name.unicodeScalars.allSatisfy { c in
                ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "." || c == "_" || c == "-" || c == "/"
            }
            && !name.split(separator: "/").contains { $0 == "." || $0 == ".." }
    }
}
