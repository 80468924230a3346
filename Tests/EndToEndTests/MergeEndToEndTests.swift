import Foundation
import Testing

/// `shipdeck merge` refuses parts that do not make one release, and writes nothing when it does.
@Suite(.serialized, .ownThreads) struct MergeEndToEndTests {
    /// Three shards of the hello example (two cells, two cells, one cell).
    func parts(_ module: URL) throws -> (work: URL, dists: [URL]) {
        let work = TestSupport.temporaryDirectory("merge")
        let runs = ShardRuns.release(module, count: 3, into: work)
        for run in runs { try #require(run.output.status == 0, "\(run.output.combined)") }
        return (work, runs.map(\.dist))
    }

    func expectRefused(
        _ out: TestSupport.Output, mentioning words: [String], merged: URL,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(out.status != 0, "merge should have failed: \(out.combined)", sourceLocation: sourceLocation)
        for word in words {
            #expect(out.stderr.contains(word), "stderr lacks '\(word)': \(out.stderr)", sourceLocation: sourceLocation)
        }
        #expect(
            !FileManager.default.fileExists(atPath: merged.appendingPathComponent("checksums.txt").path),
            "a refused merge wrote checksums.txt", sourceLocation: sourceLocation)
    }

    @Test func refusesAMissingShardNamingItsCellsAndTheShard() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let (work, dists) = try parts(module)
        let merged = work.appendingPathComponent("merged")
        let out = ShardRuns.merge(module, parts: [dists[0], dists[2]], into: merged)
        // Shard 2/3 holds the 2nd and 5th cells of the default matrix.
        expectRefused(out, mentioning: ["linux/arm64", "windows/amd64", "2/3"], merged: merged)
    }

    @Test func refusesADuplicatedCell() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let (work, dists) = try parts(module)
        let copy = work.appendingPathComponent("part-1-again")
        try FileManager.default.copyItem(at: dists[0], to: copy)
        let merged = work.appendingPathComponent("merged")
        let out = ShardRuns.merge(module, parts: dists + [copy], into: merged)
        expectRefused(out, mentioning: ["linux/amd64", "two parts"], merged: merged)
    }

    @Test func refusesAShardFromAnotherCommit() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let (work, dists) = try parts(module)
        // A second commit, and shard 3 built again from it.
        try "// another commit\n".write(
            to: module.appendingPathComponent("extra.go.txt"), atomically: true, encoding: .utf8)
        let env = [
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        ]
        for args in [["add", "-A"], ["commit", "-q", "-m", "second"]] {
            #expect(TestSupport.run("/usr/bin/git", args, in: module, environment: env).status == 0)
        }
        let newer = work.appendingPathComponent("part-3-newer")
        let rerun = TestSupport.shipdeck(["release", "--no-tui", "--shard", "3/3", "--dist", newer.path], in: module)
        try #require(rerun.status == 0, "\(rerun.combined)")
        let merged = work.appendingPathComponent("merged")
        let out = ShardRuns.merge(module, parts: [dists[0], dists[1], newer], into: merged)
        expectRefused(out, mentioning: ["different releases", "commit"], merged: merged)
    }

    @Test func refusesATamperedArtifactNamingTheFile() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let (work, dists) = try parts(module)
        let names = try FileManager.default.contentsOfDirectory(atPath: dists[1].path)
        let binary = try #require(names.first { $0.hasPrefix("hello_") && $0.contains("linux_arm64") })
        let url = dists[1].appendingPathComponent(binary)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: url)
        let merged = work.appendingPathComponent("merged")
        let out = ShardRuns.merge(module, parts: dists, into: merged)
        expectRefused(out, mentioning: [binary, "does not match its part manifest"], merged: merged)
    }

    @Test func refusesAPartBuiltWithAnotherConfig() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let (work, dists) = try parts(module)
        try "project: hello\nbinary: hello\n".write(
            to: module.appendingPathComponent("shipdeck.yml"), atomically: true,
            encoding: .utf8)
        let merged = work.appendingPathComponent("merged")
        let out = ShardRuns.merge(module, parts: dists, into: merged)
        expectRefused(out, mentioning: ["not the one the parts were built with"], merged: merged)
    }
}
