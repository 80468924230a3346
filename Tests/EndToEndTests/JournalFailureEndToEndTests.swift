import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A release (or merge) whose journal cannot be written is not a success: it exits 1 with an
/// error naming the journal and why, and `--publish` publishes nothing.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(10))) struct JournalFailureEndToEndTests {
    /// A `kind: command` signer that deletes `journal` when it signs (the probe before the release
    /// finds no journal yet) and writes a signature nobody checks.
    static func journalEraser(_ journal: URL) throws -> String {
        let script = TestSupport.temporaryDirectory("eraser").appendingPathComponent("sign")
        try """
        #!/bin/sh
        rm -f '\(journal.path)'
        echo signed > "$1"
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return "signers:\n  - kind: command\n    name: eraser\n    command: \(script.path) {signature} {artifact}\n"
    }

    @Test func aReleaseWhoseJournalIsDeletedFailsAndPublishesNothing() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v1.4.0")
        let journal = module.appendingPathComponent("dist").appendingPathComponent(JournalHeader.fileName)
        try ("targets: [linux/amd64]\n" + (try Self.journalEraser(journal)) + server.publishYAML())
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)

        let result = TestSupport.shipdeck(
            ["release", "--no-tui", "--publish"], in: module,
            environment: ["SHIPDECK_TEST_GITHUB_TOKEN": GitHubStandIn.token])
        #expect(result.status == 1, "\(result.combined)")
        #expect(
            result.stderr.contains("shipdeck: error: journal: \(journal.path) was deleted or replaced"),
            "\(result.stderr)")
        #expect(!result.stdout.contains("release succeeded"), "\(result.stdout)")
        let state = try server.state()
        #expect(state.releases.isEmpty, "\(state.releases)")
        #expect(state.assets.isEmpty, "\(state.assets)")
    }

    @Test func aReleaseOnAFullDiskFailsNamingTheJournal() throws {
        let mountPoint = TestSupport.temporaryDirectory("full-dist")
        let mounted = TestSupport.run(
            "/bin/mount", ["-t", "tmpfs", "-o", "size=48m", "tmpfs", mountPoint.path], in: mountPoint)
        try #require(mounted.status == 0, "mount: \(mounted.stderr)")
        defer {
            _ = TestSupport.run("/bin/umount", ["-l", mountPoint.path], in: FileManager.default.temporaryDirectory)
        }
        let dist = mountPoint.appendingPathComponent("dist")
        let filler = mountPoint.appendingPathComponent("filler")
        // A go that fills the disk, floods its log into the journal, waits, frees the disk, then builds:
        // only the journal meets the full disk.
        let go = TestSupport.temporaryDirectory("filling-go").appendingPathComponent("go")
        try """
        #!/bin/sh
        if [ "$1" = "build" ]; then
          dd if=/dev/zero of=\(filler.path) bs=1M 2>/dev/null
          i=0
          while [ $i -lt 3000 ]; do echo "flooding the journal with line $i of build output"; i=$((i+1)); done
          sleep 2
          rm -f \(filler.path)
        fi
        exec \(TestSupport.goBinary) "$@"
        """.write(to: go, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: go.path)
        let module = TestSupport.copyFixture("hello", example: true, git: true)

        let result = TestSupport.shipdeck(
            ["release", "--no-tui", "--go", go.path, "--target", "linux/amd64", "--dist", dist.path], in: module)
        #expect(result.status == 1, "\(result.combined)")
        #expect(
            result.stderr.contains(
                "shipdeck: error: journal: cannot write \(dist.appendingPathComponent(JournalHeader.fileName).path): "
                    + "No space left on device"),
            "\(result.stderr)")
        #expect(!result.stdout.contains("release succeeded"), "\(result.stdout)")
    }

    @Test func aMergeWhoseJournalIsDeletedFails() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v2.1.0")
        let work = TestSupport.temporaryDirectory("merge-journal")
        let merged = work.appendingPathComponent("merged")
        try ("targets: [linux/amd64, linux/arm64]\n"
            + (try Self.journalEraser(merged.appendingPathComponent(JournalHeader.fileName))))
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let parts = ShardRuns.release(module, count: 2, into: work)
        for part in parts { try #require(part.output.status == 0, "\(part.output.combined)") }

        let result = ShardRuns.merge(module, parts: parts.map(\.dist), into: merged)
        #expect(result.status == 1, "\(result.combined)")
        #expect(result.stderr.contains("shipdeck: error: journal: "), "\(result.stderr)")
        #expect(result.stderr.contains("was deleted or replaced"), "\(result.stderr)")
    }
}
