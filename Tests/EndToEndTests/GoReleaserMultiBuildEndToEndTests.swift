import Foundation
import Testing
import ShipdeckEngine

/// A real release of a GoReleaser config with two builds (Tests/Fixtures/goreleaser-multi): real go,
/// hooks at every level, an archive holding both builds' binaries, a `format: binary` archive,
/// `checksum.ids`, and GoReleaser's artifacts.json / metadata.json; and `shipdeck check` on the six
/// real projects' configs.
@Suite(.serialized, .ownThreads) struct GoReleaserMultiBuildEndToEndTests {
    func json(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: try Data(contentsOf: url))
    }

    @Test func twoBuildsHooksSharedArchiveAndGoReleasersManifests() throws {
        let module = TestSupport.copyFixture("goreleaser-multi", git: true, tag: "v1.2.3")
        let out = TestSupport.shipdeck(["release", "--no-tui"], in: module)
        #expect(out.status == 0, "\(out.combined)")
        let dist = module.appendingPathComponent("dist")
        let top = Set(try FileManager.default.contentsOfDirectory(atPath: dist.path)).filter { !DistPaths.isBookkeeping($0) }
        // GoReleaser's dist: the archives and binary uploads, the checksums, the manifests, and one
        // folder per (build id, target) holding that build's binary.
        #expect(
            top == [
                "multi_1.2.3_linux_amd64.tar.gz", "multi_1.2.3_linux_arm64.tar.gz", "multid_1.2.3_linux_amd64",
                "multid_1.2.3_linux_arm64", "multi_1.2.3_checksums.txt", "artifacts.json", "metadata.json",
                "cli_linux_amd64_v1", "daemon_linux_amd64_v1", "daemon_linux_arm64_v8.0",
            ], "\(top.sorted())")
        #expect(FileManager.default.isExecutableFile(atPath: dist.appendingPathComponent("cli_linux_amd64_v1/multi-linux-amd64").path))

        // The amd64 archive holds both builds' binaries, after the files (sorted by destination).
        let amd64 = TestSupport.run("/usr/bin/tar", ["-tzf", "multi_1.2.3_linux_amd64.tar.gz"], in: dist)
        #expect(amd64.stdout == "LICENSE\ndoc/guide.md\nmulti-linux-amd64\nmultid\n", "\(amd64.combined)")
        let arm64 = TestSupport.run("/usr/bin/tar", ["-tzf", "multi_1.2.3_linux_arm64.tar.gz"], in: dist)
        #expect(arm64.stdout == "LICENSE\ndoc/guide.md\nmultid\n", "\(arm64.combined)")
        let run = TestSupport.run(dist.appendingPathComponent("multid_1.2.3_linux_amd64").path, [], in: dist)
        #expect(run.stdout == "multid 1.2.3\n", "the format: binary file is the daemon, with its ldflags")

        // checksum.ids: [bundle] lists the two archives only; sha256sum agrees.
        let sums = try String(contentsOf: dist.appendingPathComponent("multi_1.2.3_checksums.txt"), encoding: .utf8)
        #expect(sums.split(separator: "\n").map { String($0.split(separator: " ").last!) } == [
            "multi_1.2.3_linux_amd64.tar.gz", "multi_1.2.3_linux_arm64.tar.gz",
        ])
        let check = TestSupport.run("/usr/bin/sha256sum", ["-c", "multi_1.2.3_checksums.txt"], in: dist)
        #expect(check.status == 0, "\(check.combined)")

        // Hooks ran, their output in the logs.
        let before = try String(contentsOf: dist.appendingPathComponent("logs/before-hooks.log"), encoding: .utf8)
        #expect(before.contains("before hook for multi 1.2.3"), "\(before)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: dist.appendingPathComponent("logs").path)
        let cliLog = try #require(logs.first { $0.hasPrefix("cli_linux_amd64") }, "\(logs)")
        let cli = try String(contentsOf: dist.appendingPathComponent("logs/\(cliLog)"), encoding: .utf8)
        #expect(cli.contains("pre hook linux_amd64_v1"), "\(cli)")
        #expect(cli.contains("post hook saw multi-linux-amd64"), "\(cli)")

        // artifacts.json in GoReleaser's schema, Shipdeck's fields beside.
        let artifacts = try #require(try json(dist.appendingPathComponent("artifacts.json")) as? [[String: Any]])
        let archive = try #require(artifacts.first { $0["name"] as? String == "multi_1.2.3_linux_amd64.tar.gz" })
        let sha = String(sums.split(separator: "\n")[0].split(separator: " ")[0])
        #expect(archive["internal_type"] as? Int == 1)
        #expect(archive["type"] as? String == "Archive")
        #expect(archive["goos"] as? String == "linux")
        #expect(archive["goamd64"] as? String == "v1")
        #expect(archive["target"] as? String == "linux_amd64_v1")
        #expect(archive["sha256"] as? String == sha)
        let extra = try #require(archive["extra"] as? [String: Any])
        #expect(extra["Checksum"] as? String == "sha256:" + sha)
        #expect(extra["ID"] as? String == "bundle")
        #expect(extra["Format"] as? String == "tar.gz")
        #expect(extra["Binaries"] as? [String] == ["multi-linux-amd64", "multid"])
        #expect(extra["Files"] as? [String] == ["LICENSE", "doc/guide.md"])
        let binary = try #require(artifacts.first { $0["path"] as? String == "cli_linux_amd64_v1/multi-linux-amd64" })
        #expect(binary["name"] as? String == "multi-linux-amd64")
        #expect(binary["internal_type"] as? Int == 4)
        #expect((binary["extra"] as? [String: Any])?["ID"] as? String == "cli")
        let upload = try #require(artifacts.first { $0["name"] as? String == "multid_1.2.3_linux_arm64" })
        #expect(upload["internal_type"] as? Int == 2)
        #expect(upload["goarm64"] as? String == "v8.0")
        #expect((upload["extra"] as? [String: Any])?["Format"] as? String == "binary")
        let metadata = try #require(try json(dist.appendingPathComponent("metadata.json")) as? [String: Any])
        #expect(metadata["project_name"] as? String == "multi")
        #expect(metadata["version"] as? String == "1.2.3")
        #expect(metadata["tag"] as? String == "v1.2.3")
        #expect((metadata["runtime"] as? [String: String])?["goos"] == "linux")

        // Shipdeck's own verifier reads the same artifacts.json.
        let verify = TestSupport.shipdeck(["verify", "--allow-unsigned", dist.path], in: module)
        #expect(verify.status == 0, "\(verify.combined)")
    }

    @Test func aFailingPreHookFailsItsCellAndNothingIsArchived() throws {
        let module = TestSupport.copyFixture("goreleaser-multi", git: true, tag: "v1.2.3")
        let config = module.appendingPathComponent(".goreleaser.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(of: "pre: sh -c 'echo \"pre hook {{ .Target }}\"'", with: "pre: sh -c 'exit 3'")
            .write(to: config, atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["release", "--no-tui"], in: module)
        #expect(out.status == 1, "\(out.combined)")
        #expect(out.combined.contains("builds[0].hooks.pre failed"), "\(out.combined)")
        let dist = module.appendingPathComponent("dist")
        let top = Set(try FileManager.default.contentsOfDirectory(atPath: dist.path))
        #expect(!top.contains("multi_1.2.3_linux_amd64.tar.gz"), "no half-filled archive: \(top.sorted())")
        #expect(top.contains("multi_1.2.3_linux_arm64.tar.gz"), "the other platform's archive is complete")
    }

    /// `shipdeck check` on each real config: exit 1 and exactly its unsupported keys, each with what
    /// Shipdeck does instead.
    @Test(arguments: [
        ("cli", ["release"]),
        ("cosign", [
            "gomod", "builds[0].no_unique_dist_dir", "builds[2].no_unique_dist_dir", "builds[3].no_unique_dist_dir",
            "builds[4].no_unique_dist_dir", "builds[5].no_unique_dist_dir", "builds[6].no_unique_dist_dir", "signs",
            "release", "rigs",
        ]),
        ("fzf", ["notarize", "release"]),
        ("task", ["gomod", "git", "brews", "winget", "cloudsmiths"]),
        ("blocky", ["release", "changelog.use"]),
        ("glow", ["brews", "snapcrafts", "signs"]),
    ])
    func checkListsExactlyTheUnsupportedKeys(name: String, keys: [String]) throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/goreleaser-configs/\(name)")
        let out = TestSupport.shipdeck(["check", "--dir", fixture.path], in: fixture, environment: ["LDFLAGS": "-s -w"])
        #expect(out.status == 1, "\(out.combined)")
        #expect(out.stdout.contains("config: \(fixture.path)/.goreleaser.yml (GoReleaser config, version"), "\(out.stdout)")
        // The plan's warnings (`  ! …`: dropped targets, ports this Go lacks) come first, then the keys.
        if name == "fzf" { #expect(out.stdout.contains("warnings ("), "\(out.stdout)") }
        let listed = out.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("  ! ") }.map {
            String($0.dropFirst(2).split(separator: ":", maxSplits: 1)[0])
        }
        #expect(listed == keys, "\(out.stdout)")
        #expect(!out.stdout.split(separator: "\n").contains { $0.hasPrefix("  ") && !$0.contains(": ") })
    }
}
