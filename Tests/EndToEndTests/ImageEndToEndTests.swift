import Foundation
import Testing

/// `images:` writes an OCI image layout that the real skopeo reads, copies and resolves per platform.
@Suite(.serialized, .ownThreads) struct ImageEndToEndTests {
    static let skopeo = "/usr/bin/skopeo"

    /// Releases the image fixture (commit fixed, so SOURCE_DATE_EPOCH is fixed) into `dist`.
    func release(_ module: URL, into dist: URL) throws {
        let out = TestSupport.shipdeck(["release", "--no-tui", "--dist", dist.path], in: module)
        try #require(out.status == 0, "\(out.combined)")
        #expect(out.stdout.contains("images ok"), "\(out.stdout)")
    }

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// An image named as a release file (its layout folder would replace the binary, the checksums
    /// file or a package) fails `check` and `release` before anything is built, naming the file.
    @Test func anImageNamedAsAReleaseFileIsRefusedBeforeBuilding() throws {
        let module = TestSupport.copyFixture("image-hello", git: true, tag: "v1.4.0")
        let config = module.appendingPathComponent("shipdeck.yml")
        let original = try String(contentsOf: config, encoding: .utf8)
        for (name, clash) in [
            ("imagehello_1.4.0_linux_amd64.tar.gz", "imagehello_1.4.0_linux_amd64.tar.gz"),
            ("checksums.txt", "checksums.txt"), ("checksums.txt.sig/x", "checksums.txt"),
            ("imagehello_1.4.0.intoto.jsonl", "imagehello_1.4.0…"), ("artifacts.json", "artifacts.json"),
        ] {
            try original.replacingOccurrences(of: "name: imagehello", with: "name: \(name)")
                .write(to: config, atomically: true, encoding: .utf8)
            for command in [["check"], ["release", "--no-tui"]] {
                let out = TestSupport.shipdeck(command, in: module)
                #expect(out.status == 2, "\(command) \(name): \(out.combined)")
                #expect(out.combined.contains("where the release writes \(clash)"), "\(name): \(out.combined)")
                #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent("dist/logs").path), "\(name)")
            }
        }
        // A name that only begins like one is another folder.
        try original.replacingOccurrences(of: "name: imagehello", with: "name: imagehello-images")
            .write(to: config, atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["check"], in: module)
        #expect(out.status == 0, "\(out.combined)")
    }

    @Test func theLayoutPassesSkopeoInspectAndCopyAll() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.skopeo), "skopeo is missing: run scripts/bootstrap")
        let module = TestSupport.copyFixture("image-hello", git: true, tag: "v1.4.0")
        let work = TestSupport.temporaryDirectory("oci")
        let dist = work.appendingPathComponent("dist")
        try release(module, into: dist)
        let layout = dist.appendingPathComponent("imagehello")
        for name in ["oci-layout", "index.json", "blobs/sha256"] {
            #expect(FileManager.default.fileExists(atPath: layout.appendingPathComponent(name).path), "\(name) missing")
        }

        let inspect = TestSupport.run(Self.skopeo, ["inspect", "--raw", "oci:\(layout.path):1.4.0"], in: work)
        try #require(inspect.status == 0, "\(inspect.combined)")
        let index = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        #expect(index["mediaType"] as? String == "application/vnd.oci.image.index.v1+json")
        let manifests = try #require(index["manifests"] as? [[String: Any]])
        let platforms = manifests.compactMap { $0["platform"] as? [String: String] }
        // One image per Linux target; windows/amd64 gets none.
        #expect(platforms.count == 3)
        #expect(platforms.contains { $0 == ["os": "linux", "architecture": "amd64"] })
        #expect(platforms.contains { $0 == ["os": "linux", "architecture": "arm64", "variant": "v8"] })
        #expect(platforms.contains { $0 == ["os": "linux", "architecture": "arm", "variant": "v7"] })

        // The extra tag names the same index.
        let latest = TestSupport.run(Self.skopeo, ["inspect", "--raw", "oci:\(layout.path):latest"], in: work)
        #expect(latest.stdout == inspect.stdout)

        let copy = work.appendingPathComponent("copy")
        let copied = TestSupport.run(
            Self.skopeo, ["copy", "--all", "oci:\(layout.path):1.4.0", "oci:\(copy.path):1.4.0"],
            in: work)
        #expect(copied.status == 0, "\(copied.combined)")
        let again = TestSupport.run(Self.skopeo, ["inspect", "--raw", "oci:\(copy.path):1.4.0"], in: work)
        #expect(again.stdout == inspect.stdout, "skopeo copy --all changed the index")

        // artifacts.json lists the index and each platform's manifest with their digests.
        let artifacts = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: dist.appendingPathComponent("artifacts.json"))) as? [[String: Any]])
        let images = artifacts.filter { $0["type"] as? String == "Image" }
        #expect(images.count == 4)
        let indexDigest = try #require(
            images.first { $0["name"] as? String == "imagehello:1.4.0" }?["sha256"] as? String)
        let top = try json(layout.appendingPathComponent("index.json"))
        let entries = try #require(top["manifests"] as? [[String: Any]])
        #expect(entries.allSatisfy { $0["digest"] as? String == "sha256:\(indexDigest)" })
        #expect(
            Set(entries.compactMap { ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] })
                == ["1.4.0", "latest"])
        // Images are not files of checksums.txt; the cells' binaries and archives are.
        let sums = try String(contentsOf: dist.appendingPathComponent("checksums.txt"), encoding: .utf8)
        let files = artifacts.filter { ["Binary", "Archive"].contains($0["type"] as? String ?? "") }
        #expect(sums.split(separator: "\n").count == files.count)
        #expect(!sums.contains("blobs") && !sums.contains("imagehello:"))
    }

    @Test func overrideArchArm64SelectsAnImageWhoseOnlyLayerHoldsTheArm64Binary() throws {
        let module = TestSupport.copyFixture("image-hello", git: true, tag: "v1.4.0")
        let work = TestSupport.temporaryDirectory("oci-arm64")
        let dist = work.appendingPathComponent("dist")
        try release(module, into: dist)
        let layout = dist.appendingPathComponent("imagehello")
        let out = work.appendingPathComponent("arm64-image")
        let copied = TestSupport.run(
            Self.skopeo,
            [
                "--override-os", "linux", "--override-arch", "arm64", "copy",
                "oci:\(layout.path):1.4.0", "dir:\(out.path)",
            ], in: work)
        try #require(copied.status == 0, "\(copied.combined)")
        let manifest = try json(out.appendingPathComponent("manifest.json"))
        let layers = try #require(manifest["layers"] as? [[String: Any]])
        try #require(layers.count == 1)
        let digest = try #require(layers[0]["digest"] as? String)
        let blob = out.appendingPathComponent(String(digest.dropFirst("sha256:".count)))
        let extracted = work.appendingPathComponent("rootfs")
        try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
        let listing = TestSupport.run("/bin/tar", ["-tvzf", blob.path], in: work)
        #expect(listing.stdout.contains("usr/local/bin/imagehello"), "\(listing.stdout)")
        #expect(listing.stdout.contains("root/root") || listing.stdout.contains("0/0"), "\(listing.stdout)")
        let untar = TestSupport.run("/bin/tar", ["-xzf", blob.path, "-C", extracted.path], in: work)
        try #require(untar.status == 0, "\(untar.combined)")
        let binary = extracted.appendingPathComponent("usr/local/bin/imagehello")
        let header = TestSupport.header(of: binary)
        // ELF, 64-bit, little endian, e_machine 0xb7 = AArch64.
        #expect(Array(header.prefix(4)) == [0x7f, 0x45, 0x4c, 0x46])
        #expect(header[4] == 2)
        #expect(header[5] == 1)
        #expect(header[18] == 0xb7 && header[19] == 0x00)
        // It is the release's arm64 binary, byte for byte.
        let released = try Data(contentsOf: dist.appendingPathComponent("imagehello_1.4.0_linux_arm64"))
        #expect(try Data(contentsOf: binary) == released)
        // The config says arm64/v8 and runs the binary.
        let config = try json(
            out.appendingPathComponent(
                String((manifest["config"] as! [String: Any])["digest"] as! String)
                    .dropFirst("sha256:".count).description))
        #expect(config["architecture"] as? String == "arm64")
        #expect(config["variant"] as? String == "v8")
        #expect(((config["config"] as? [String: Any])?["Entrypoint"] as? [String]) == ["/usr/local/bin/imagehello"])
    }

    @Test func buildingTwiceGivesIdenticalDigests() throws {
        let module = TestSupport.copyFixture("image-hello", git: true, tag: "v1.4.0")
        let work = TestSupport.temporaryDirectory("oci-twice")
        let first = work.appendingPathComponent("first"), second = work.appendingPathComponent("second")
        try release(module, into: first)
        try release(module, into: second)
        let a = try Data(contentsOf: first.appendingPathComponent("imagehello/index.json"))
        let b = try Data(contentsOf: second.appendingPathComponent("imagehello/index.json"))
        #expect(a == b)
        let blobs = { (dist: URL) in
            try FileManager.default.contentsOfDirectory(
                atPath: dist.appendingPathComponent("imagehello/blobs/sha256").path
            ).sorted()
        }
        let firstBlobs = try blobs(first)
        #expect(firstBlobs == (try blobs(second)))
        // 1 index + 3 × (manifest, config, layer).
        #expect(firstBlobs.count == 10)
    }

    @Test func aShardedReleaseMergesToTheSameImagesAsASingleOne() throws {
        let module = TestSupport.copyFixture("image-hello", git: true, tag: "v1.4.0")
        let work = TestSupport.temporaryDirectory("oci-shards")
        let single = work.appendingPathComponent("single")
        try release(module, into: single)
        let parts = ShardRuns.release(module, count: 2, into: work)
        for part in parts {
            try #require(part.output.status == 0, "\(part.output.combined)")
            // Images are release-wide: the merge makes them.
            #expect(!FileManager.default.fileExists(atPath: part.dist.appendingPathComponent("imagehello").path))
        }
        let merged = work.appendingPathComponent("merged")
        let merge = ShardRuns.merge(module, parts: parts.map(\.dist), into: merged)
        try #require(merge.status == 0, "\(merge.combined)")
        #expect(merge.stdout.contains("images ok"))
        let a = try Data(contentsOf: single.appendingPathComponent("imagehello/index.json"))
        let b = try Data(contentsOf: merged.appendingPathComponent("imagehello/index.json"))
        #expect(a == b)
    }

    @Test func aBaseLayoutPutsItsLayersUnderTheBinary() throws {
        let module = TestSupport.copyFixture("image-hello", git: true, tag: "v1.4.0")
        let work = TestSupport.temporaryDirectory("oci-base")
        let baseDist = work.appendingPathComponent("base")
        try release(module, into: baseDist)
        // The first release's layout is the base of a second image at another path.
        let config = try String(contentsOf: module.appendingPathComponent("shipdeck.yml"), encoding: .utf8)
            .replacingOccurrences(
                of: "  path: /usr/local/bin/imagehello",
                with: "  path: /app/imagehello\n  base: \(baseDist.path)/imagehello:1.4.0")
        try config.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let dist = work.appendingPathComponent("dist")
        try release(module, into: dist)
        let out = work.appendingPathComponent("amd64-image")
        let copied = TestSupport.run(
            Self.skopeo,
            [
                "--override-os", "linux", "--override-arch", "amd64", "copy",
                "oci:\(dist.path)/imagehello:1.4.0", "dir:\(out.path)",
            ], in: work)
        try #require(copied.status == 0, "\(copied.combined)")
        let manifest = try json(out.appendingPathComponent("manifest.json"))
        let layers = try #require(manifest["layers"] as? [[String: Any]])
        #expect(layers.count == 2)
        let paths = layers.map { layer in
            TestSupport.run(
                "/bin/tar",
                ["-tzf", out.appendingPathComponent(String((layer["digest"] as! String).dropFirst(7))).path],
                in: work
            ).stdout
        }
        #expect(paths[0].contains("usr/local/bin/imagehello"))
        #expect(paths[1].contains("app/imagehello"))
    }
}
