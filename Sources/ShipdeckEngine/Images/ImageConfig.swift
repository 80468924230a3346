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
                        key, at: v, "'\(UntrustedText.escape(name))' is not an image name (OCI repository name grammar)",
                        hint: "use lower-case letters and digits, with '.', '_', '__' or '-' between them and '/' "
                            + "between parts, at most 255 characters, like hello or acme/hello")
                }
                // The layout is written to dist/<name>/: it must not be Shipdeck's own folder.
                if let first = name.split(separator: "/").first, DistPaths.isBookkeeping(String(first)) {
                    throw error(
                        key, at: v, "'\(UntrustedText.escape(name))' would put the image layout in dist/\(first)/, Shipdeck's own folder",
                        hint: "choose another name, such as the project's")
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

    /// The OCI distribution spec's repository name: components `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
    /// joined by '/', 255 characters at most. A registry refuses anything else at push time.
    package static func isValidRepositoryName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255 else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(isValidComponent)
    }

    static func isValidComponent(_ part: Substring) -> Bool {
        func alnum(_ c: Character) -> Bool { ("a"..."z").contains(c) || ("0"..."9").contains(c) }
        let chars = Array(part)
        guard let first = chars.first, let last = chars.last, alnum(first), alnum(last) else { return false }
        var index = 0
        while index < chars.count {
            if alnum(chars[index]) {
                index += 1
                continue
            }
            // A separator: '.', '_', '__' or a run of '-', between alphanumerics.
            var end = index
            while end < chars.count, !alnum(chars[end]) { end += 1 }
            let separator = String(chars[index..<end])
            guard separator == "." || separator == "_" || separator == "__" || separator.allSatisfy({ $0 == "-" })
            else { return false }
            index = end
        }
        return true
    }
}
