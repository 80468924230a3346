import Foundation
import Testing

/// `universal_binaries:`: one fat Mach-O from the darwin/amd64 and darwin/arm64 cells, checked with
/// llvm-lipo (Debian llvm-14), archived and hashed like a cell, the same bytes from another path.
@Suite(.serialized, .ownThreads) struct UniversalEndToEndTests {
    static let lipo = "/usr/bin/llvm-lipo-14"

    struct Release {
        var module: URL
        var output: TestSupport.Output
        var dist: URL { module.appendingPathComponent("dist") }
        func file(_ name: String) -> URL { dist.appendingPathComponent(name) }
    }

    static func release(replace: Bool) -> Release {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v1.5.0")
        let yaml = """
            targets: [darwin/amd64, darwin/arm64]
            sbom: true
            universal_binaries:
              - replace: \(replace)
                name_template: "{{ .ProjectName }}-universal"

            """
        try! yaml.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        return Release(module: module, output: TestSupport.shipdeck(["release", "--no-tui"], in: module))
    }

    static let kept = release(replace: false)
    static let fat = "hello_1.5.0_darwin_all"

    @Test func theUniversalStepJoinsBothDarwinCells() {
        #expect(Self.kept.output.status == 0, "\(Self.kept.output.combined)")
        #expect(Self.kept.output.stdout.contains("universal ok"), "\(Self.kept.output.stdout)")
        #expect(FileManager.default.fileExists(atPath: Self.kept.file(Self.fat).path))
        #expect(FileManager.default.fileExists(atPath: Self.kept.file(Self.fat + ".tar.gz").path))
    }

    @Test func llvmLipoSeesBothArchitectures() {
        let info = TestSupport.run(Self.lipo, ["-info", Self.kept.file(Self.fat).path], in: Self.kept.dist)
        #expect(info.status == 0, "\(info.combined)")
        #expect(info.stdout.contains("Architectures in the fat file"), "\(info.stdout)")
        #expect(info.stdout.contains("x86_64 arm64"), "\(info.stdout)")
        let verify = TestSupport.run(Self.lipo, [Self.kept.file(Self.fat).path, "-verify_arch", "x86_64", "arm64"],
                                     in: Self.kept.dist)
        #expect(verify.status == 0, "\(verify.combined)")
        let absent = TestSupport.run(Self.lipo, [Self.kept.file(Self.fat).path, "-verify_arch", "i386"], in: Self.kept.dist)
        #expect(absent.status == 1 && absent.stderr.isEmpty, "-verify_arch fails (quietly) for an architecture that is not there: \(absent.combined)")
    }

    @Test func eachSliceIsByteForByteTheCellsBinary() throws {
        let out = TestSupport.temporaryDirectory("thin")
        for (arch, cell) in [("x86_64", "amd64"), ("arm64", "arm64")] {
            let thin = out.appendingPathComponent(arch)
            let r = TestSupport.run(Self.lipo, [Self.kept.file(Self.fat).path, "-thin", arch, "-output", thin.path],
                                    in: out)
            #expect(r.status == 0, "\(r.combined)")
            let slice = try Data(contentsOf: thin)
            let binary = try Data(contentsOf: Self.kept.file("hello_1.5.0_darwin_\(cell)"))
            #expect(slice == binary, "the \(arch) slice equals hello_1.5.0_darwin_\(cell)")
        }
    }

    @Test func itIsHashedArchivedAndListedLikeACell() throws {
        let checksums = try String(contentsOf: Self.kept.file("checksums.txt"), encoding: .utf8)
        let check = TestSupport.run("/usr/bin/sha256sum", ["-c", "checksums.txt"], in: Self.kept.dist)
        #expect(check.status == 0, "\(check.combined)")
        #expect(checksums.contains("  \(Self.fat)\n") && checksums.contains("  \(Self.fat).tar.gz\n"), "\(checksums)")
        #expect(checksums.contains("  hello_1.5.0_darwin_amd64.tar.gz\n"), "replace: false keeps the thin cells")
        let entries = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.kept.file("artifacts.json"))) as? [[String: Any]])
        let entry = try #require(entries.first { $0["name"] as? String == Self.fat })
        #expect(entry["type"] as? String == "Binary")
        #expect(entry["goos"] as? String == "darwin" && entry["goarch"] as? String == "all")
        let listing = TestSupport.run("/usr/bin/tar", ["-tvzf", Self.fat + ".tar.gz"], in: Self.kept.dist)
        #expect(listing.stdout.contains("hello-universal"), "\(listing.stdout)")
        #expect(listing.stdout.hasPrefix("-rwxr-xr-x"), "\(listing.stdout)")
        let unpacked = TestSupport.temporaryDirectory("unpack")
        _ = TestSupport.run("/usr/bin/tar", ["-xzf", Self.kept.file(Self.fat + ".tar.gz").path], in: unpacked)
        #expect(try Data(contentsOf: unpacked.appendingPathComponent("hello-universal"))
                == Data(contentsOf: Self.kept.file(Self.fat)))
    }

    @Test func theUniversalBinaryHasSBOMsNamingBothSlicesAcceptedByTheirTools() throws {
        let cdx = Self.kept.file(Self.fat + ".cdx.json")
        let validated = SBOMFixture.validateCycloneDX(cdx)
        #expect(validated.status == 0, "\(validated.combined)")
        let tool = try #require(SBOMFixture.tool("pyspdxtools"))
        let spdx = TestSupport.run(tool, ["-i", Self.kept.file(Self.fat + ".spdx.json").path], in: Self.kept.dist)
        #expect(spdx.status == 0, "\(spdx.combined)")
        let text = try String(contentsOf: cdx, encoding: .utf8)
        #expect(text.contains("\"shipdeck:go:build:GOARCH\",\n          \"value\" : \"amd64\""), "\(text)")
        #expect(text.contains("\"shipdeck:go:build:GOARCH\",\n          \"value\" : \"arm64\""), "\(text)")
        let sha = TestSupport.run("/usr/bin/sha256sum", [Self.fat], in: Self.kept.dist).stdout.prefix(64)
        #expect(text.contains("\"content\" : \"\(sha)\""), "the SBOM names the fat file's SHA-256")
        let manifest = try String(contentsOf: Self.kept.file("artifacts.json"), encoding: .utf8)
        #expect(manifest.contains("\"name\" : \"\(Self.fat).cdx.json\""))
    }

    @Test func replaceTakesTheThinDarwinFilesOutOfTheReleaseAndAnotherPathGivesTheSameBytes() throws {
        let replaced = Self.release(replace: true)
        #expect(replaced.output.status == 0, "\(replaced.output.combined)")
        #expect(replaced.module.path != Self.kept.module.path)
        let checksums = try String(contentsOf: replaced.file("checksums.txt"), encoding: .utf8)
        #expect(!checksums.contains("darwin_amd64") && !checksums.contains("darwin_arm64"), "\(checksums)")
        let manifest = try String(contentsOf: replaced.file("artifacts.json"), encoding: .utf8)
        #expect(!manifest.contains("darwin_amd64") && !manifest.contains("darwin_arm64"))
        for name in [Self.fat, Self.fat + ".tar.gz", Self.fat + ".spdx.json", Self.fat + ".cdx.json"] {
            #expect(try Data(contentsOf: replaced.file(name)) == Data(contentsOf: Self.kept.file(name)),
                    "\(name) is the same in both releases")
        }
        let verify = TestSupport.shipdeck(["verify", replaced.dist.path, "--allow-unsigned"], in: replaced.module)
        #expect(verify.status == 0, "\(verify.combined)")
    }
}
