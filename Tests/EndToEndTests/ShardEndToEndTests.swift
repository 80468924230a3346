import Foundation
import Testing

/// What sharded releases share: running the shards as separate processes and merging them.
enum ShardRuns {
    /// Runs `shipdeck release --no-tui --shard i/count --dist <base>/part-i` for every i, all at
    /// once, each in its own process; returns the part folders and each run's output.
    static func release(_ module: URL, count: Int, into base: URL) -> [(dist: URL, output: TestSupport.Output)] {
        let results = ResultBox(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let dist = base.appendingPathComponent("part-\(i + 1)")
            let out = TestSupport.shipdeck(
                ["release", "--no-tui", "--shard", "\(i + 1)/\(count)", "--dist", dist.path],
                in: module)
            results.set(i, (dist, out))
        }
        return results.values
    }

    static func merge(_ module: URL, parts: [URL], into dist: URL) -> TestSupport.Output {
        TestSupport.shipdeck(["merge"] + parts.map(\.path) + ["--dist", dist.path], in: module)
    }

    final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [(URL, TestSupport.Output)?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: (URL, TestSupport.Output)) { lock.withLock { slots[i] = value } }
        var values: [(dist: URL, output: TestSupport.Output)] { lock.withLock { slots.map { ($0!.0, $0!.1) } } }
    }
}

/// `shipdeck release --shard` in separate processes, then `shipdeck merge`, against a
/// single-process release of the same commit.
@Suite(.serialized, .ownThreads) struct ShardEndToEndTests {
    @Test func fiveShardsMergedGiveTheSingleReleaseChecksumsAndAVerifiedSignature() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v2.0.0")
        let keys = TestSupport.temporaryDirectory("minisign")
        let key = keys.appendingPathComponent("minisign.key"), pub = keys.appendingPathComponent("minisign.pub")
        let keygen = TestSupport.run("/usr/bin/minisign", ["-G", "-W", "-p", pub.path, "-s", key.path], in: keys)
        try #require(keygen.status == 0, "\(keygen.combined)")
        // The config is not committed: the commit is the same either way, and every run reads this file.
        try "signers:\n  - kind: minisign\n    key: \(key.path)\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let work = TestSupport.temporaryDirectory("shards")

        let single = TestSupport.shipdeck(
            ["release", "--no-tui", "--dist", work.appendingPathComponent("single").path],
            in: module)
        try #require(single.status == 0, "\(single.combined)")

        let parts = ShardRuns.release(module, count: 5, into: work)
        for (i, part) in parts.enumerated() {
            try #require(part.output.status == 0, "shard \(i + 1): \(part.output.combined)")
            let names = try FileManager.default.contentsOfDirectory(atPath: part.dist.path)
            #expect(names.contains("part-\(i + 1)-of-5.json"))
            // Release-wide files belong to the merge.
            #expect(!names.contains("checksums.txt"), "shard \(i + 1) wrote checksums.txt")
            #expect(!names.contains("artifacts.json"))
            #expect(!names.contains { $0.hasSuffix(".minisig") })
        }

        let merged = work.appendingPathComponent("merged")
        let merge = ShardRuns.merge(module, parts: parts.map(\.dist), into: merged)
        try #require(merge.status == 0, "\(merge.combined)")
        #expect(!merge.stdout.contains("build started"), "merge must not build: \(merge.stdout)")

        let singleSums = try String(contentsOf: work.appendingPathComponent("single/checksums.txt"), encoding: .utf8)
        let mergedSums = try String(contentsOf: merged.appendingPathComponent("checksums.txt"), encoding: .utf8)
        // Every binary and archive of the five cells (archives when the archive step makes them).
        #expect(singleSums.split(separator: "\n").count >= 5)
        #expect(mergedSums == singleSums)

        let check = TestSupport.run("/usr/bin/sha256sum", ["-c", "checksums.txt"], in: merged)
        #expect(check.status == 0, "\(check.combined)")
        let verify = TestSupport.run("/usr/bin/minisign", ["-V", "-p", pub.path, "-m", "checksums.txt"], in: merged)
        #expect(verify.status == 0, "\(verify.combined)")
        // Shipdeck's own verify agrees: every hash and the signature of the merged release.
        let shipdeckVerify = TestSupport.shipdeck(["verify", merged.path, "--minisign-key", pub.path], in: work)
        #expect(shipdeckVerify.status == 0, "\(shipdeckVerify.combined)")

        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: merged.appendingPathComponent("artifacts.json")))
        let entries = try #require(manifest as? [[String: Any]])
        #expect(Set(entries.compactMap { $0["cell"] as? String }).count == 5)
        let single_ = try JSONSerialization.jsonObject(
            with: Data(contentsOf: work.appendingPathComponent("single/artifacts.json")))
        let singleNames = Set((single_ as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        #expect(Set(entries.compactMap { $0["name"] as? String }) == singleNames)
        #expect(entries.contains { $0["name"] as? String == "checksums.txt" })
    }

    @Test func aCellListShardBuildsExactlyThoseCells() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let dist = TestSupport.temporaryDirectory("list").appendingPathComponent("dist")
        let out = TestSupport.shipdeck(
            ["release", "--no-tui", "--shard", "linux/arm64,windows/amd64", "--dist", dist.path],
            in: module)
        try #require(out.status == 0, "\(out.combined)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dist.path)
        let part = try #require(names.first { $0.hasPrefix("part-") && $0.hasSuffix(".json") })
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: dist.appendingPathComponent(part)))
                as? [String: Any])
        #expect(json["cells"] as? [String] == ["linux/arm64", "windows/amd64"])
        #expect((json["allCells"] as? [String])?.count == 5)
        let built = names.filter { $0.hasPrefix("hello_") }
        #expect(built.filter { $0.contains("_linux_arm64") }.count >= 1)
        #expect(built.filter { $0.contains("_windows_amd64") }.count >= 1)
        #expect(built.allSatisfy { $0.contains("_linux_arm64") || $0.contains("_windows_amd64") }, "\(built)")
        let artifacts = try #require(json["artifacts"] as? [[String: Any]])
        #expect(Set(artifacts.compactMap { $0["name"] as? String }) == Set(built))
    }

    @Test func aShardNumberOutsideTheCountIsAUsageError() {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let out = TestSupport.shipdeck(["release", "--no-tui", "--shard", "6/5"], in: module)
        #expect(out.status != 0)
        #expect(out.stderr.contains("--shard 6/5"), "\(out.stderr)")
    }
}
