import Foundation
import ShipdeckEngine
import Testing

/// `publish.homebrew` and `publish.scoop`: after the GitHub release is published, the formula and
/// the manifest (with the URLs the server gave the published assets) are committed and pushed to
/// real bare git repositories; the formula passes `ruby -c`, the manifest Scoop's schema.json.
@Suite(.serialized, .ownThreads) struct TapPublishEndToEndTests {
    let release = PublishableRelease.shared

    static var checkJSONSchema: String? {
        ProcessRunner.which(
            "check-jsonschema",
            path: (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/local/bin:/root/.pyenv/shims:/root/.local/bin")
    }

    func git(_ arguments: [String], in directory: URL) -> TestSupport.Output {
        TestSupport.run("/usr/bin/git", arguments, in: directory, environment: [
            "GIT_AUTHOR_NAME": "Tap Owner", "GIT_AUTHOR_EMAIL": "owner@example.com",
            "GIT_COMMITTER_NAME": "Tap Owner", "GIT_COMMITTER_EMAIL": "owner@example.com",
        ])
    }

    /// A bare repository; `seeded` gives it a first commit (a README) on main.
    func bareRepository(_ name: String, in folder: URL, seeded: Bool) throws -> URL {
        let bare = folder.appendingPathComponent("\(name).git")
        try #require(git(["init", "-q", "--bare", "-b", "main", bare.path], in: folder).status == 0)
        if seeded {
            let work = folder.appendingPathComponent("\(name)-seed")
            try #require(git(["clone", "-q", bare.path, work.path], in: folder).status == 0)
            try "# \(name)\n".write(to: work.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
            _ = git(["add", "README.md"], in: work)
            try #require(git(["commit", "-q", "-m", "start"], in: work).status == 0)
            try #require(git(["push", "-q", "origin", "HEAD:refs/heads/main"], in: work).status == 0)
        }
        return bare
    }

    func clone(_ bare: URL, into folder: URL) throws -> URL {
        let dir = folder.appendingPathComponent("check-\(UUID().uuidString.prefix(6))")
        let out = git(["clone", "-q", bare.path, dir.path], in: folder)
        try #require(out.status == 0, "\(out.combined)")
        return dir
    }

    @Test func theFormulaAndManifestArePushedWithThePublishedURLsAfterTheRelease() async throws {
        try #require(release.output.status == 0, "\(release.output.combined)")
        let schemaTool = try #require(Self.checkJSONSchema, "check-jsonschema is missing: run scripts/bootstrap")
        let server = try GitHubStandIn()
        defer { server.stop() }
        let repos = TestSupport.temporaryDirectory("taps")
        let tap = try bareRepository("homebrew-tap", in: repos, seeded: true)
        let bucket = try bareRepository("scoop-bucket", in: repos, seeded: false)
        let module = release.copy(publish: server.publishYAML() + """
              homebrew:
                tap: \(tap.path)
                description: Says hello
                license: MIT
              scoop:
                bucket: \(bucket.path)
                description: Says hello
                license: MIT

            """)
        let out = TestSupport.shipdeck(
            ["publish", "--no-tui"], in: module, environment: ["SHIPDECK_TEST_GITHUB_TOKEN": GitHubStandIn.token])
        #expect(out.status == 0, "\(out.combined)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        let published = lines.firstIndex { $0.hasPrefix("[github] publish release") && $0.contains(" ok: ") }
        let brew = lines.firstIndex { $0.hasPrefix("[homebrew] Formula/hello.rb") && $0.contains(" ok: pushed ") }
        let scoop = lines.firstIndex { $0.hasPrefix("[scoop] bucket/hello.json") && $0.contains(" ok: pushed ") }
        try #require(published != nil && brew != nil && scoop != nil, "\(out.stdout)")
        #expect(published! < brew! && published! < scoop!, "the tap was written before the release was public")

        // The URLs are the ones the server gave the published assets; the hashes checksums.txt's.
        let sums = release.checksums(in: module)
        let state = try await OffPool.run { try server.state() }
        #expect(state.releases.first?.draft == false)
        func url(_ name: String) -> String { "https://github.example/octo/hello/releases/download/v\(release.version)/\(name)" }

        let tapClone = try clone(tap, into: repos)
        let formula = try String(contentsOf: tapClone.appendingPathComponent("Formula/hello.rb"), encoding: .utf8)
        for name in sums.keys where name.hasSuffix(".tar.gz") && !name.contains("windows") {
            #expect(formula.contains("url \"\(url(name))\""), "\(name) in\n\(formula)")
            #expect(formula.contains("sha256 \"\(sums[name]!)\""), "\(name) in\n\(formula)")
        }
        #expect(formula.contains("version \"\(release.version)\""))
        let ruby = TestSupport.run("/usr/bin/ruby", ["-c", "Formula/hello.rb"], in: tapClone)
        #expect(ruby.status == 0 && ruby.stdout.contains("Syntax OK"), "\(ruby.combined)")
        let tapLog = git(["log", "--format=%s"], in: tapClone).stdout
        #expect(tapLog.split(separator: "\n").first?.contains(release.version) == true, "\(tapLog)")
        #expect(tapLog.contains("start"), "the tap's history was replaced: \(tapLog)")

        let bucketClone = try clone(bucket, into: repos)
        let manifestData = try Data(contentsOf: bucketClone.appendingPathComponent("bucket/hello.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        let windows = try #require(sums.keys.first { $0.contains("windows") && $0.hasSuffix(".zip") })
        let x64 = try #require((manifest["architecture"] as? [String: Any])?["64bit"] as? [String: Any])
        #expect(x64["url"] as? String == url(windows))
        #expect(x64["hash"] as? String == sums[windows])
        #expect(manifest["version"] as? String == release.version)
        let schema = TestSupport.fixtures.appendingPathComponent("scoop-schema/schema.json")
        let valid = TestSupport.run(schemaTool, ["--schemafile", schema.path, "bucket/hello.json"], in: bucketClone)
        #expect(valid.status == 0, "\(valid.combined)")
        #expect(git(["log", "-1", "--format=%s"], in: bucketClone).stdout.contains(release.version))

        // Again: nothing changed, nothing committed.
        let again = TestSupport.shipdeck(
            ["publish", "--no-tui"], in: module, environment: ["SHIPDECK_TEST_GITHUB_TOKEN": GitHubStandIn.token])
        #expect(again.status == 0, "\(again.combined)")
        #expect(again.stdout.contains("[homebrew] Formula/hello.rb"), "\(again.stdout)")
        #expect(again.stdout.split(separator: "\n").filter { ($0.hasPrefix("[homebrew]") || $0.hasPrefix("[scoop]")) && $0.contains(" skipped: unchanged") }.count == 2,
                "\(again.stdout)")
        let afterLog = git(["log", "--format=%s"], in: try clone(tap, into: repos)).stdout
        #expect(afterLog == tapLog, "a second publish made another commit")

        // --resume: the journal says done and the repositories hold exactly those files.
        let resumed = TestSupport.shipdeck(
            ["publish", "--no-tui", "--resume"], in: module, environment: ["SHIPDECK_TEST_GITHUB_TOKEN": GitHubStandIn.token])
        #expect(resumed.status == 0, "\(resumed.combined)")
        #expect(resumed.stdout.split(separator: "\n").filter { $0.contains(" skipped: already in ") && $0.contains("the journal and the repository agree") }.count == 2,
                "\(resumed.stdout)")
        #expect(git(["log", "--format=%s"], in: try clone(tap, into: repos)).stdout == tapLog)
    }

    /// A tap that cannot be read, or lacks its branch, fails before the GitHub release is made.
    @Test func anUnreachableTapOrAMissingBranchFailsBeforeTheRelease() async throws {
        try #require(release.output.status == 0, "\(release.output.combined)")
        let server = try GitHubStandIn()
        defer { server.stop() }
        let repos = TestSupport.temporaryDirectory("taps-unreachable")
        let tap = try bareRepository("homebrew-tap", in: repos, seeded: true)
        let cases = [
            ("tap: \(repos.path)/nope.git", "cannot read the repository (git ls-remote)"),
            ("tap: \(tap.path)\n    branch: gh-pages", "has no branch gh-pages (it has main)"),
        ]
        for (lines, words) in cases {
            let module = release.copy(
                publish: server.publishYAML() + "  homebrew:\n    \(lines)\n    description: Hi\n    license: MIT\n")
            let out = TestSupport.shipdeck(
                ["publish", "--no-tui"], in: module, environment: ["SHIPDECK_TEST_GITHUB_TOKEN": GitHubStandIn.token])
            #expect(out.status == 2, "\(out.combined)")
            #expect(out.stderr.contains(words), "\(out.stderr)")
            #expect(out.stderr.contains("hint: ") && !out.stderr.lowercased().contains("| hint:"), "\(out.stderr)")
        }
        let state = try await OffPool.run { try server.state() }
        #expect(state.releases.isEmpty, "a release was created")
        #expect(state.log.allSatisfy { $0.method == nil || $0.method == "GET" }, "\(state.log)")
    }

    @Test func aFormulaThatCannotBeWrittenIsAnErrorBeforeAnythingIsUploaded() async throws {
        try #require(release.output.status == 0, "\(release.output.combined)")
        let server = try GitHubStandIn()
        defer { server.stop() }
        let repos = TestSupport.temporaryDirectory("taps-bad")
        let bucket = try bareRepository("scoop-bucket", in: repos, seeded: false)
        // Scoop needs a license; none given.
        let module = release.copy(publish: server.publishYAML() + "  scoop:\n    bucket: \(bucket.path)\n")
        let out = TestSupport.shipdeck(
            ["publish", "--no-tui"], in: module, environment: ["SHIPDECK_TEST_GITHUB_TOKEN": GitHubStandIn.token])
        #expect(out.status == 2, "\(out.combined)")
        #expect(out.stderr.contains("publish.scoop"), "\(out.combined)")
        #expect(out.stderr.contains("license"), "\(out.combined)")
        #expect(try await OffPool.run { try server.state() }.releases.isEmpty, "a release was created")
    }
}
