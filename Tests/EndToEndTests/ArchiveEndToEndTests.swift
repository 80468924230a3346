import Foundation
import Testing

@testable import ShipdeckEngine

/// tar.gz and zip archives from a real release: deterministic bytes, normalized entries, extra files.
@Suite(.serialized, .ownThreads) struct ArchiveEndToEndTests {
    /// The fixture's commit time (TestSupport.copyFixture): 2024-01-02T03:04:05Z.
    static let epoch: Int64 = 1_704_164_645

    func release(_ module: URL, dist: String) -> TestSupport.Output {
        TestSupport.shipdeck(["release", "--no-tui", "--dist", dist], in: module)
    }

    @Test func sameReleaseTwiceGivesIdenticalArchivesWithSortedNormalizedEntries() throws {
        let module = TestSupport.copyFixture("archive-hello", git: true, tag: "v1.2.3")
        let first = release(module, dist: "dist-a")
        #expect(first.status == 0, "\(first.combined)")
        // Make the second run see different file times and permissions on disk.
        chmod(module.appendingPathComponent("README.md").path, 0o600)
        _ = TestSupport.run("/usr/bin/touch", ["-d", "2030-01-01", "LICENSE", "docs/usage.md"], in: module)
        let second = release(module, dist: "dist-b")
        #expect(second.status == 0, "\(second.combined)")

        let a = module.appendingPathComponent("dist-a"), b = module.appendingPathComponent("dist-b")
        for name in ["hello_1.2.3_linux_amd64.tar.gz", "hello_1.2.3_windows_amd64.zip"] {
            let bytesA = try Data(contentsOf: a.appendingPathComponent(name))
            let bytesB = try Data(contentsOf: b.appendingPathComponent(name))
            #expect(bytesA == bytesB, "\(name) differs between two releases")
        }

        // tar -tvzf: sorted, owner 0/0, the commit time, modes 0755/0644, extra files inside the wrapping directory.
        let tar = TestSupport.run(
            "/usr/bin/tar", ["--numeric-owner", "--utc", "-tvzf", "hello_1.2.3_linux_amd64.tar.gz"], in: a)
        #expect(tar.status == 0, "\(tar.combined)")
        let lines = tar.stdout.split(separator: "\n").map(String.init)
        let names = lines.compactMap { $0.split(separator: " ").last.map(String.init) }
        let root = "hello_1.2.3_linux_amd64/"
        #expect(
            names == [
                root, root + "LICENSE", root + "README.md", root + "docs/", root + "docs/CHANGES.md",
                root + "docs/usage.md", root + "hello",
            ])
        for line in lines {
            #expect(line.contains(" 0/0 "), "\(line)")
            #expect(line.contains("2024-01-02 03:04"), "\(line)")
        }
        #expect(lines.last?.hasPrefix("-rwxr-xr-x") == true)
        #expect(lines[2].hasPrefix("-rw-r--r--"), "README.md is 0644 although it is 0600 on disk")
        #expect(lines[3].hasPrefix("drwxr-xr-x"))
        let gz = TestSupport.header(of: a.appendingPathComponent("hello_1.2.3_linux_amd64.tar.gz"), count: 10)
        #expect(gz == [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03], "gzip header: no mtime, no name")
        // The archived binary runs and prints the version.
        let unpack = TestSupport.temporaryDirectory("unpack")
        _ = TestSupport.run(
            "/usr/bin/tar", ["-xzf", a.appendingPathComponent("hello_1.2.3_linux_amd64.tar.gz").path], in: unpack)
        let ran = TestSupport.run(unpack.appendingPathComponent(root + "hello").path, ["-version"], in: unpack)
        #expect(ran.stdout == "1.2.3\n")

        // zipinfo: the same entries, Unix modes, the DOS time of the commit, no extra fields.
        let zip = TestSupport.run("/usr/bin/zipinfo", ["hello_1.2.3_windows_amd64.zip"], in: a)
        #expect(zip.status == 0, "\(zip.combined)")
        let zipLines = zip.stdout.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("-") || $0.hasPrefix("d")
        }
        let zroot = "hello_1.2.3_windows_amd64/"
        #expect(
            zipLines.compactMap { $0.split(separator: " ").last.map(String.init) } == [
                zroot, zroot + "LICENSE", zroot + "README.md", zroot + "docs/", zroot + "docs/CHANGES.md",
                zroot + "docs/usage.md", zroot + "hello.exe",
            ])
        for line in zipLines { #expect(line.contains("24-Jan-02 03:04"), "\(line)") }
        #expect(zipLines.last?.hasPrefix("-rwxr-xr-x") == true)
        let verbose = TestSupport.run("/usr/bin/zipinfo", ["-v", "hello_1.2.3_windows_amd64.zip"], in: a)
        let extraLines = verbose.stdout.split(separator: "\n").filter { $0.contains("length of extra field:") }
        #expect(extraLines.count == 7)
        #expect(extraLines.allSatisfy { $0.hasSuffix(" 0 bytes") }, "no extra fields, so no extended timestamps")
        #expect(!verbose.stdout.contains("extra field contains"))
    }

    @Test func archivesAreInChecksumsAndTheManifestBesideTheBinaries() throws {
        let module = TestSupport.copyFixture("archive-hello", git: true, tag: "v1.2.3")
        let out = release(module, dist: "dist")
        #expect(out.status == 0, "\(out.combined)")
        let dist = module.appendingPathComponent("dist")
        let check = TestSupport.run("/usr/bin/sha256sum", ["-c", "checksums.txt"], in: dist)
        #expect(check.status == 0, "\(check.combined)")
        #expect(check.stdout.contains("hello_1.2.3_linux_amd64.tar.gz: OK"))
        #expect(check.stdout.contains("hello_1.2.3_windows_amd64.zip: OK"))
        #expect(check.stdout.contains("hello_1.2.3_linux_amd64: OK"), "the raw binary is published too")
        #expect(check.stdout.contains("hello_1.2.3_windows_amd64.exe: OK"))
        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: dist.appendingPathComponent("artifacts.json")))
        let entries = try #require(manifest as? [[String: Any]])
        let archive = try #require(entries.first { $0["name"] as? String == "hello_1.2.3_windows_amd64.zip" })
        let kind = archive["type"] as? String
        #expect(kind == "Archive")
        #expect(archive["goos"] as? String == "windows")
        let digest = try FileDigest.sha256(path: dist.appendingPathComponent("hello_1.2.3_windows_amd64.zip").path)
        #expect(archive["sha256"] as? String == digest.hex, "the digest computed while writing is the file's")
    }
}
