import Foundation

/// `dist/part-N-of-M.json`: what one shard run built, and what it must agree on with the others.
///
/// `shipdeck merge` trusts nothing else about a part: every artifact listed here is hashed again
/// and compared, and the release-wide fields must be equal across all parts.
package struct PartManifest: Codable, Sendable, Hashable {
    package static let currentFormat = 1

    package var format: Int
    /// `--shard` as given: `2/5` or `linux/amd64,linux/arm64`.
    package var shard: String
    package var project: String
    package var version: String
    package var commit: String?
    package var goVersion: String
    package var sourceDateEpoch: Int64
    package var configFingerprint: String
    package var shipdeckVersion: String
    /// Every cell of the full release, in plan order.
    package var allCells: [String]
    /// The cells this part built.
    package var cells: [String]
    /// Binaries and archives of those cells; paths relative to the part's folder.
    package var artifacts: [ArtifactRecord]

    package init(
        shard: String, info: ReleaseInfo, configFingerprint: String, allCells: [String], cells: [String],
        artifacts: [ArtifactRecord]
    ) {
        self.format = Self.currentFormat
        self.shard = shard
        self.project = info.project
        self.version = info.version
        self.commit = info.commit
        self.goVersion = info.goVersion
        self.sourceDateEpoch = info.sourceDateEpoch
        self.configFingerprint = configFingerprint
        self.shipdeckVersion = info.shipdeckVersion
        self.allCells = allCells
        self.cells = cells
        self.artifacts = artifacts.sorted { $0.name < $1.name }
    }

    package func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Reads a part manifest; errors name the file.
    package static func read(_ url: URL) throws -> PartManifest {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ShipdeckError(.io, "cannot read the part manifest \(url.path)")
        }
        let manifest: PartManifest
        do {
            manifest = try JSONDecoder().decode(PartManifest.self, from: data)
        } catch {
            throw ShipdeckError(
                .verify, "\(url.path) is not a Shipdeck part manifest (\(error))",
                hint: "pass the dist folders that `shipdeck release --shard` wrote")
        }
        guard manifest.format == currentFormat else {
            throw ShipdeckError(
                .verify, "\(url.path) has part format \(manifest.format); this Shipdeck reads format \(currentFormat)",
                hint: "run the shards and the merge with the same Shipdeck version")
        }
        return manifest
    }

    /// The part manifests in a folder (`part-*.json`), sorted by name.
    package static func locate(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix("part-") && $0.hasSuffix(".json") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }
}
