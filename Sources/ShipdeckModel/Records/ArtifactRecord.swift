import Foundation

/// A file the release wrote, as it appears in artifacts.json.
public struct ArtifactRecord: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case binary = "Binary", archive = "Archive", checksum = "Checksum", signature = "Signature"
        case manifest = "Metadata", provenance = "Provenance", image = "Image"
        /// An SPDX or CycloneDX SBOM of one binary (GoReleaser's artifact type name).
        case sbom = "SBOM"
        /// A .deb or .rpm (GoReleaser's name for nfpm's output).
        case linuxPackage = "Linux Package"
    }

    public var name: String
    /// Path relative to the dist folder.
    public var path: String
    public var kind: Kind
    public var cell: String?
    public var goos: String?
    public var goarch: String?
    public var variant: String?
    public var sha256: String
    public var size: Int64

    /// `type`, as GoReleaser's artifacts.json calls it.
    enum CodingKeys: String, CodingKey {
        case name, path, kind = "type", cell, goos, goarch, variant, sha256, size
    }

    public init(name: String, path: String, kind: Kind, cell: String? = nil, target: BuildTarget? = nil,
                sha256: String, size: Int64) {
        self.name = name
        self.path = path
        self.kind = kind
        self.cell = cell
        self.goos = target?.goos
        self.goarch = target?.goarch
        self.variant = target?.variant
        self.sha256 = sha256
        self.size = size
    }
}
