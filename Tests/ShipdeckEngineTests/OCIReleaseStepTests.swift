import Foundation
import Testing

@testable import ShipdeckEngine

/// The `.images` release-wide step inside `ReleaseSteps`: records reach the state (the hashes
/// pane reads `state.artifacts`) and artifacts.json, and the layout is the same twice.
@Suite struct OCIReleaseStepTests {
    let toolchain = GoToolchain(
        path: "/usr/local/bin/go", version: "go1.27.3",
        ports: ["linux/amd64": true, "linux/arm": true, "darwin/arm64": true],
        hostTarget: BuildTarget(goos: "linux", goarch: "amd64"))

    /// A plan over three targets with `images:`, and dist/ holding a fake binary per cell.
    func prepared(epoch: Int64 = 1_700_000_000) throws -> (BuildPlan, DistFolder, [ArtifactRecord]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "oci-step-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var config = ShipdeckConfig()
        config.targets = ["linux/amd64", "linux/arm/6", "darwin/arm64"].map {
            TargetConfig(target: BuildTarget(parsing: $0)!)
        }
        config.images = ImageConfig(path: "/tool")
        let source = SourceInfo(
            moduleDirectory: root.path, modulePath: "example.com/tool", commit: "abc", commitTime: epoch)
        let plan = try PlanBuilder.plan(
            config: config, source: source, toolchain: toolchain,
            options: PlanOptions(
                moduleDirectory: root, distDirectory: root.appendingPathComponent("dist"),
                versionOverride: "1.0.0+build.7", environment: [:]))
        let dist = DistFolder(url: plan.distDirectory)
        try dist.prepare(existing: .refuse, moduleDirectory: root)
        var records: [ArtifactRecord] = []
        for cell in plan.cells {
            let data = Data("binary of \(cell.id)".utf8)
            try data.write(to: dist.url.appendingPathComponent(cell.binaryName))
            records.append(
                ArtifactRecord(
                    name: cell.binaryName, path: cell.binaryName, kind: .binary, cell: cell.id,
                    target: cell.target, sha256: FileDigest.sha256(data: data), size: Int64(data.count)))
        }
        return (plan, dist, records)
    }

    @Test func imageRecordsReachTheStateAndArtifactsJSON() throws {
        let (plan, dist, records) = try prepared()
        let hub = EventHub()
        hub.emit(.releaseStarted(plan.info))
        #expect(ReleaseSteps(plan: plan, dist: dist, hub: hub).run(cellArtifacts: records))
        hub.flush()
        let state = hub.snapshot()
        #expect(state.steps[.images]?.result == .succeeded)
        let images = state.artifacts.filter { $0.kind == .image }
        // The index (tagged with the version, `+` made `_`) and one manifest per Linux cell.
        #expect(
            images.map(\.name) == [
                "tool:1.0.0_build.7", "tool:1.0.0_build.7 linux/amd64", "tool:1.0.0_build.7 linux/arm/6",
            ])
        for image in images {
            // The path is the blob, so hashing it gives the digest.
            #expect(try FileDigest.sha256(path: dist.url.appendingPathComponent(image.path).path).hex == image.sha256)
        }
        let manifest = try ArtifactsManifest.decode(Data(contentsOf: dist.url.appendingPathComponent("artifacts.json")))
        #expect(manifest.filter { $0.kind == .image }.count == 3)
        let checksums = try String(contentsOf: dist.url.appendingPathComponent("checksums.txt"), encoding: .utf8)
        #expect(!checksums.contains("tool:"))
    }

    @Test func theSameBinariesAndEpochGiveTheSameDigestsAndAnotherEpochDoesNot() throws {
        func indexDigest(epoch: Int64) throws -> String {
            let (plan, dist, records) = try prepared(epoch: epoch)
            let built = try OCIImageBuilder(plan: plan, dist: dist, config: plan.config.images!).build(
                cellArtifacts: records)
            return built[0].sha256
        }
        let a = try indexDigest(epoch: 1_700_000_000)
        #expect(try indexDigest(epoch: 1_700_000_000) == a)
        #expect(try indexDigest(epoch: 1_700_000_001) != a)
    }

    @Test func aPlanWithoutLinuxTargetsFailsTheStepWithAClearError() throws {
        var (plan, dist, records) = try prepared()
        plan.cells = plan.cells.filter { $0.target.goos != "linux" }
        let error = #expect(throws: ShipdeckError.self) {
            try OCIImageBuilder(plan: plan, dist: dist, config: ImageConfig()).build(cellArtifacts: records)
        }
        #expect(error?.message.contains("no Linux target") == true)
    }
}
