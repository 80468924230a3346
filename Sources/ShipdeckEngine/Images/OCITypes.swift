import Foundation

/// The OCI image-spec documents Shipdeck writes and reads, as Codable values. Encoded with sorted
/// keys and no escaped slashes, so equal values always give equal bytes (and digests).
enum OCIMediaType {
    static let index = "application/vnd.oci.image.index.v1+json"
    static let manifest = "application/vnd.oci.image.manifest.v1+json"
    static let config = "application/vnd.oci.image.config.v1+json"
    static let layerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let refName = "org.opencontainers.image.ref.name"
}

struct OCIPlatform: Codable, Hashable, Sendable {
    var architecture: String
    var os: String
    var variant: String?

    /// The OCI platform of a Go target: GOARCH names are OCI's; arm carries `v5`/`v6`/`v7` from
    /// GOARM (Go's default is 7), arm64 is `v8` (`v9` for GOARM64=v9.x), amd64 carries its level
    /// above v1.
    init(target: BuildTarget) {
        architecture = target.goarch
        os = target.goos
        switch target.goarch {
        case "arm": variant = "v" + (target.variant ?? "7")
        case "arm64": variant = (target.variant?.hasPrefix("v9") ?? false) ? "v9" : "v8"
        case "amd64": variant = target.variant.flatMap { $0 == "v1" ? nil : $0 }
        default: variant = nil
        }
    }

    init(architecture: String, os: String, variant: String?) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
    }

    var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }
}

struct OCIDescriptor: Codable, Hashable, Sendable {
    var mediaType: String
    var digest: String
    var size: Int64
    var platform: OCIPlatform?
    var annotations: [String: String]?

    var hex: String { digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest }
}

struct OCIIndex: Codable, Sendable {
    var schemaVersion = 2
    var mediaType: String? = OCIMediaType.index
    var manifests: [OCIDescriptor]
}

struct OCIManifest: Codable, Sendable {
    var schemaVersion = 2
    var mediaType: String? = OCIMediaType.manifest
    var config: OCIDescriptor
    var layers: [OCIDescriptor]
    var annotations: [String: String]?
}

/// The image configuration: the fields Shipdeck sets or carries over from a base image.
struct OCIImageConfig: Codable, Sendable {
    struct Runtime: Codable, Sendable {
        var Env: [String]?
        var Entrypoint: [String]?
        var Cmd: [String]?
        var WorkingDir: String?
        var User: String?
        var Labels: [String: String]?
    }
    struct RootFS: Codable, Sendable {
        var type = "layers"
        var diff_ids: [String]
    }
    struct History: Codable, Sendable {
        var created: String?
        var created_by: String?
        var comment: String?
        var empty_layer: Bool?
    }

    var created: String?
    var architecture: String
    var os: String
    var variant: String?
    var config: Runtime?
    var rootfs: RootFS
    var history: [History]?
}

enum OCIJSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
