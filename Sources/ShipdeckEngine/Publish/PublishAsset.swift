import Foundation

/// One file of dist/ that goes onto the GitHub release, with what the server must end up holding.
package struct PublishAsset: Sendable, Hashable {
    /// The asset name on the release (a file name, no folders).
    package var name: String
    package var path: String
    package var size: Int64
    package var sha256: String
    package var contentType: String
    package var label: String?

    package var unitID: String { "github:asset:\(name)" }

    /// The release's assets from artifacts.json: archives, checksums, signatures, provenance and
    /// whatever else it lists, without image blobs (they go to a registry) and without a binary whose
    /// archive is published (as GoReleaser does).
    package static func assets(in dist: URL, manifest: [ArtifactRecord]) throws -> [PublishAsset] {
        let archivedCells = Set(manifest.filter { $0.kind == .archive }.compactMap(\.cell))
        var seen: [String: String] = [:]
        var assets: [PublishAsset] = []
        for record in manifest {
            if record.kind == .image { continue }
            if record.kind == .binary, let cell = record.cell, archivedCells.contains(cell) { continue }
            let name = URL(fileURLWithPath: record.path).lastPathComponent
            if let other = seen[name], other != record.path {
                throw ShipdeckError(
                    .dist, "two files would be the asset \(name): \(other) and \(record.path)",
                    hint: "asset names are flat on a GitHub release; rename one of them")
            }
            if seen[name] != nil { continue }
            seen[name] = record.path
            let url = dist.appendingPathComponent(record.path)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value
            guard let size else {
                throw ShipdeckError(.dist, "\(record.path) is listed in artifacts.json but missing from \(dist.path)")
            }
            assets.append(PublishAsset(
                name: name, path: url.path, size: size, sha256: record.sha256, contentType: contentType(of: name),
                label: label(for: record)))
        }
        return assets
    }

    static func contentType(of name: String) -> String {
        let lower = name.lowercased()
        let types: [(String, String)] = [
            (".tar.gz", "application/gzip"), (".tgz", "application/gzip"), (".zip", "application/zip"),
            (".txt", "text/plain; charset=utf-8"), (".json", "application/json"), (".intoto.jsonl", "application/vnd.in-toto+json"),
            (".asc", "application/pgp-signature"), (".deb", "application/vnd.debian.binary-package"),
            (".rpm", "application/x-rpm"), (".exe", "application/vnd.microsoft.portable-executable"),
            (".md", "text/markdown; charset=utf-8"),
        ]
        return types.first { lower.hasSuffix($0.0) }?.1 ?? "application/octet-stream"
    }

    /// "linux/arm64 archive", "checksums" — what GitHub shows instead of the file name.
    static func label(for record: ArtifactRecord) -> String? {
        let platform = [record.goos, record.goarch].compactMap { $0 }.joined(separator: "/")
            + (record.variant.map { "/\($0)" } ?? "")
        switch record.kind {
        case .archive: return platform.isEmpty ? nil : "\(platform) archive"
        case .binary: return platform.isEmpty ? nil : "\(platform) binary"
        case .checksum: return "SHA-256 checksums"
        default: return nil
        }
    }
}
