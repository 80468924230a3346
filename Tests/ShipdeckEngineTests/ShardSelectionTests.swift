import Foundation
import Testing

@testable import ShipdeckEngine

/// `--shard` parsing and the deterministic split of a plan's cells.
@Suite struct ShardSelectionTests {
    let cells = ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"]

    @Test func nOfMGoesRoundRobinInPlanOrder() throws {
        let two = try (1...2).map { try ShardSelection.slice(index: $0, count: 2).select(from: cells) }
        #expect(two[0] == ["linux/amd64", "darwin/amd64", "windows/amd64"])
        #expect(two[1] == ["linux/arm64", "darwin/arm64"])
    }

    @Test func everyCellIsInExactlyOneShardForEveryShardCount() throws {
        for count in 1...cells.count {
            let all = try (1...count).flatMap { try ShardSelection.slice(index: $0, count: count).select(from: cells) }
            #expect(all.sorted() == cells.sorted(), "count \(count)")
        }
    }

    @Test func parsesBothForms() throws {
        #expect(try ShardSelection(parsing: "3/5") == .slice(index: 3, count: 5))
        #expect(try ShardSelection(parsing: " linux/amd64, linux/arm/7 ") == .cells(["linux/amd64", "linux/arm/7"]))
        #expect(try ShardSelection(parsing: "linux/amd64") == .cells(["linux/amd64"]))
    }

    @Test(arguments: ["0/5", "6/5", "1/0", "", "linux", "x/y/z/w"])
    func rejectsMalformedValues(_ text: String) {
        #expect(throws: ShipdeckError.self) { try ShardSelection(parsing: text) }
    }

    @Test func anEmptyShardIsAnErrorThatSaysHowManyShardsFit() {
        let error = #expect(throws: ShipdeckError.self) {
            try ShardSelection.slice(index: 7, count: 7).select(from: cells)
        }
        #expect(error?.hint?.contains("at most 5") == true)
    }

    @Test func aListKeepsPlanOrderAndRejectsUnknownCells() throws {
        #expect(
            try ShardSelection.cells(["windows/amd64", "linux/amd64"]).select(from: cells) == [
                "linux/amd64", "windows/amd64",
            ])
        #expect(throws: ShipdeckError.self) { try ShardSelection.cells(["plan9/386"]).select(from: cells) }
    }

    @Test func partFileNames() {
        #expect(ShardSelection.slice(index: 2, count: 5).partFileName == "part-2-of-5.json")
        let a = ShardSelection.cells(["linux/amd64", "linux/arm64"]).partFileName
        let b = ShardSelection.cells(["linux/arm64", "linux/amd64"]).partFileName
        #expect(a == b)
        #expect(a.hasPrefix("part-") && a.hasSuffix(".json") && a.count == "part-.json".count + 12)
    }

    @Test func aPartManifestRoundTrips() throws {
        let info = ReleaseInfo(
            project: "hello", version: "1.0.0", commit: "abc", goVersion: "go1.27.3",
            sourceDateEpoch: 1_700_000_000, distDirectory: "/tmp/dist", shipdeckVersion: "0.1.0", cells: [])
        let artifact = ArtifactRecord(
            name: "hello_1.0.0_linux_amd64", path: "hello_1.0.0_linux_amd64", kind: .binary,
            cell: "linux/amd64", target: BuildTarget(goos: "linux", goarch: "amd64"),
            sha256: String(repeating: "a", count: 64), size: 42)
        let part = PartManifest(
            shard: "1/5", info: info, configFingerprint: "f", allCells: cells, cells: ["linux/amd64"],
            artifacts: [artifact])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("part-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try part.encoded().write(to: url)
        #expect(try PartManifest.read(url) == part)
    }
}
