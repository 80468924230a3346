import Foundation
import Testing

@testable import ShipdeckEngine

/// The checks `shipdeck merge` makes on part manifests before it reads any config or writes anything.
@Suite struct ShardMergeCheckTests {
    let cells = ["linux/amd64", "linux/arm64"]

    /// Writes a part folder holding one cell's fake binary and its manifest.
    func part(
        _ index: Int, of count: Int, cell: String, goVersion: String = "go1.27.3", name: String? = nil,
        version: String = "1.0.0", fingerprint: String = "fp", in root: URL
    ) throws -> URL {
        let dir = root.appendingPathComponent("part\(index)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = "tool_1.0.0_\(cell.replacingOccurrences(of: "/", with: "_"))"
        let data = Data("binary \(cell)".utf8)
        try data.write(to: dir.appendingPathComponent(file))
        let info = ReleaseInfo(
            project: "tool", version: version, commit: "0123abcd", goVersion: goVersion,
            sourceDateEpoch: 1_700_000_000, distDirectory: dir.path, shipdeckVersion: "0.1.0", cells: [])
        let artifact = ArtifactRecord(
            name: name ?? file, path: name ?? file, kind: .binary, cell: cell,
            target: BuildTarget(parsing: cell), sha256: FileDigest.sha256(data: data),
            size: Int64(data.count))
        let manifest = PartManifest(
            shard: "\(index)/\(count)", info: info, configFingerprint: fingerprint, allCells: cells,
            cells: [cell], artifacts: [artifact])
        try manifest.encoded().write(to: dir.appendingPathComponent("part-\(index)-of-\(count).json"))
        return dir
    }

    func merge(_ parts: [URL], root: URL) -> ShipdeckError? {
        let options = MergeOptions(
            partDirectories: parts, moduleDirectory: root, distDirectory: root.appendingPathComponent("out"),
            environment: [:])
        do {
            _ = try ReleaseMerger(options: options).run()
            return nil
        } catch {
            return error as? ShipdeckError
        }
    }

    func root() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "merge-check-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func partsBuiltWithDifferentGoVersionsAreRefusedNamingBoth() throws {
        let root = try root()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try part(1, of: 2, cell: "linux/amd64", in: root)
        let b = try part(2, of: 2, cell: "linux/arm64", goVersion: "go1.26.0", in: root)
        let error = try #require(merge([a, b], root: root))
        #expect(error.message.contains("Go version"))
        #expect(error.message.contains("go1.27.3") && error.message.contains("go1.26.0"))
        #expect(
            !FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path),
            "a refused merge created its output")
    }

    /// A different version changes the config fingerprint too: the message names the version.
    @Test func partsOfDifferentVersionsAreRefusedNamingTheVersionNotTheFingerprint() throws {
        let root = try root()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try part(1, of: 2, cell: "linux/amd64", version: "1.0.0", fingerprint: "fp-1", in: root)
        let b = try part(2, of: 2, cell: "linux/arm64", version: "1.0.1", fingerprint: "fp-2", in: root)
        let error = try #require(merge([a, b], root: root))
        #expect(error.message.contains("version is 1.0.0 in part-1-of-2.json"), "\(error.message)")
        #expect(error.message.contains("but 1.0.1 in part-2-of-2.json"), "\(error.message)")
        #expect(!error.message.contains("fingerprint"), "\(error.message)")
    }

    @Test func anArtifactNameThatLeavesThePartFolderIsRefused() throws {
        let root = try root()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try part(1, of: 2, cell: "linux/amd64", name: "../../etc/passwd", in: root)
        let b = try part(2, of: 2, cell: "linux/arm64", in: root)
        let options = MergeOptions(partDirectories: [a, b], moduleDirectory: root, environment: [:])
        let merger = ReleaseMerger(options: options)
        let parts = try merger.readParts()
        let error = #expect(throws: ShipdeckError.self) { try merger.verifyArtifacts(of: parts[0]) }
        #expect(error?.message.contains("not a plain file name") == true)
    }

    @Test func aFolderWithoutAPartManifestIsNamed() throws {
        let root = try root()
        defer { try? FileManager.default.removeItem(at: root) }
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let error = try #require(merge([empty], root: root))
        #expect(error.message.contains(empty.path) && error.message.contains("no part manifest"))
    }
}
