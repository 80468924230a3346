import Foundation
import Testing

/// `sbom: true`: an SPDX 2.3 and a CycloneDX 1.6 document per binary, from the module graph Go
/// embeds, accepted by pyspdxtools and the official CycloneDX schema, hashed, signed, verified, and
/// the same bytes from a release of the same commit somewhere else.
@Suite(.serialized, .ownThreads) struct SBOMEndToEndTests {
    struct Release {
        var module: URL
        var output: TestSupport.Output
        var dist: URL { module.appendingPathComponent("dist") }
        func file(_ name: String) -> URL { dist.appendingPathComponent(name) }
    }

    static let key: URL = {
        let key = TestSupport.temporaryDirectory("sbom-key").appendingPathComponent("native")
        let r = TestSupport.shipdeck(["keygen", "--output", key.path], in: key.deletingLastPathComponent())
        precondition(r.status == 0, r.combined)
        return key
    }()

    static func release() -> Release {
        let config = """
            targets: [linux/amd64, darwin/arm64]
            archive: { format: binary }
            sbom: true
            provenance: true
            signers:
              - kind: native
                signs: artifacts
                key: \(key.path).key
              - kind: native
                name: checksums
                key: \(key.path).key

            """
        let module = SBOMFixture.module(tag: "v1.3.0", config: config)
        let out = TestSupport.shipdeck(["release", "--no-tui"], in: module,
                                       environment: SBOMFixture.environment(module: module))
        return Release(module: module, output: out)
    }

    static let first = release()
    static let binaries = ["sbomhello_1.3.0_linux_amd64", "sbomhello_1.3.0_darwin_arm64"]

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func eachBinaryGetsBothDocumentsInItsSBOMStage() {
        let out = Self.first.output
        #expect(out.status == 0, "\(out.combined)")
        for cell in ["linux/amd64", "darwin/arm64"] {
            #expect(out.stdout.contains("[\(cell)] sbom ok"), "\(out.stdout)")
        }
        for binary in Self.binaries {
            for suffix in [".spdx.json", ".cdx.json"] {
                #expect(FileManager.default.fileExists(atPath: Self.first.file(binary + suffix).path), "\(binary)\(suffix)")
            }
        }
    }

    @Test func pyspdxtoolsAcceptsEverySPDXDocument() throws {
        let tool = try #require(SBOMFixture.tool("pyspdxtools"), "pyspdxtools (PyPI spdx-tools) is installed by scripts/bootstrap")
        for binary in Self.binaries {
            let r = TestSupport.run(tool, ["-i", Self.first.file(binary + ".spdx.json").path], in: Self.first.dist)
            #expect(r.status == 0, "\(binary): \(r.combined)")
            #expect(!r.combined.lowercased().contains("invalid"), "\(r.combined)")
        }
    }

    @Test func everyCycloneDXDocumentValidatesAgainstTheOfficialSchema() {
        for binary in Self.binaries {
            let r = SBOMFixture.validateCycloneDX(Self.first.file(binary + ".cdx.json"))
            #expect(r.status == 0, "\(binary): \(r.combined)")
            #expect(r.stdout.contains("valid CycloneDX 1.6"), "\(r.combined)")
        }
    }

    @Test func theSPDXDocumentNamesTheDependencyItsSumTheToolchainAndTheBuildSettings() throws {
        let doc = try json(Self.first.file("sbomhello_1.3.0_linux_amd64.spdx.json"))
        #expect(doc["spdxVersion"] as? String == "SPDX-2.3")
        #expect((doc["creationInfo"] as? [String: Any])?["created"] as? String == "2024-01-02T03:04:05Z")
        let packages = try #require(doc["packages"] as? [[String: Any]])
        func purls(_ p: [String: Any]) -> [String] {
            ((p["externalRefs"] as? [[String: Any]]) ?? []).compactMap { $0["referenceLocator"] as? String }
        }
        let greet = try #require(packages.first { $0["name"] as? String == "example.com/greet" })
        #expect(greet["versionInfo"] as? String == "v0.1.0")
        #expect(purls(greet) == ["pkg:golang/example.com/greet@v0.1.0"])
        let h1Hex = FileDigestHex.ofBase64(String(SBOMFixture.greetSum.dropFirst(3)))
        #expect((greet["checksums"] as? [[String: Any]])?.first?["checksumValue"] as? String == h1Hex)
        let root = try #require(packages.first { $0["packageFileName"] as? String == "sbomhello_1.3.0_linux_amd64" })
        #expect(purls(root) == ["pkg:golang/example.com/sbomhello@v1.3.0"])
        let binarySHA = try sha256(Self.first.file("sbomhello_1.3.0_linux_amd64"))
        #expect((root["checksums"] as? [[String: Any]])?.first?["checksumValue"] as? String == binarySHA)
        let comments = ((root["annotations"] as? [[String: Any]]) ?? []).compactMap { $0["comment"] as? String }
        #expect(comments.contains("go build setting GOOS=linux"))
        #expect(comments.contains("go build setting CGO_ENABLED=0"))
        #expect(comments.contains { $0.hasPrefix("go toolchain go1.") })
        let stdlib = try #require(packages.first { $0["name"] as? String == "stdlib" })
        #expect(purls(stdlib).first?.hasPrefix("pkg:golang/stdlib@1.") == true)
        let relationships = try #require(doc["relationships"] as? [[String: Any]])
        #expect(relationships.contains {
            $0["relationshipType"] as? String == "DEPENDS_ON" && $0["relatedSpdxElement"] as? String == greet["SPDXID"] as? String
        })
    }

    @Test func theCycloneDXDocumentNamesTheSameModules() throws {
        let doc = try json(Self.first.file("sbomhello_1.3.0_darwin_arm64.cdx.json"))
        #expect(doc["specVersion"] as? String == "1.6")
        #expect((doc["serialNumber"] as? String)?.hasPrefix("urn:uuid:") == true)
        let metadata = try #require(doc["metadata"] as? [String: Any])
        #expect(metadata["timestamp"] as? String == "2024-01-02T03:04:05Z")
        let component = try #require(metadata["component"] as? [String: Any])
        let properties = ((component["properties"] as? [[String: String]]) ?? []).map { "\($0["name"]!)=\($0["value"]!)" }
        #expect(properties.contains("shipdeck:go:build:GOARCH=arm64"))
        let components = try #require(doc["components"] as? [[String: Any]])
        let greet = try #require(components.first { $0["purl"] as? String == "pkg:golang/example.com/greet@v0.1.0" })
        #expect((greet["hashes"] as? [[String: String]])?.first?["alg"] == "SHA-256")
        let dependencies = try #require(doc["dependencies"] as? [[String: Any]])
        let rootEdges = dependencies.first { $0["ref"] as? String == component["bom-ref"] as? String }
        #expect((rootEdges?["dependsOn"] as? [String])?.contains("pkg:golang/example.com/greet@v0.1.0") == true)
    }

    @Test func sbomsAreInChecksumsAndTheManifestAndSigned() throws {
        let checksums = try String(contentsOf: Self.first.file("checksums.txt"), encoding: .utf8)
        let data = try Data(contentsOf: Self.first.file("artifacts.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        for binary in Self.binaries {
            for name in [binary + ".spdx.json", binary + ".cdx.json"] {
                let sha = try sha256(Self.first.file(name))
                #expect(checksums.contains("\(sha)  \(name)\n"), "\(name) in checksums.txt")
                let entry = entries.first { $0["name"] as? String == name }
                #expect(entry?["type"] as? String == "SBOM", "\(name)")
                #expect(entry?["sha256"] as? String == sha)
                #expect(FileManager.default.fileExists(atPath: Self.first.file(name + ".sig").path), "\(name).sig")
            }
        }
    }

    @Test func verifyChecksTheSBOMsAndCatchesATamperedOne() throws {
        let ok = TestSupport.shipdeck(["verify", Self.first.dist.path, "--pubkey", Self.key.path + ".pub"],
                                      in: Self.first.module)
        #expect(ok.status == 0, "\(ok.combined)")
        #expect(ok.stdout.contains("sbomhello_1.3.0_linux_amd64.spdx.json"), "\(ok.stdout)")
        let copy = TestSupport.temporaryDirectory("sbom-tamper").appendingPathComponent("dist")
        try FileManager.default.copyItem(at: Self.first.dist, to: copy)
        let victim = copy.appendingPathComponent("sbomhello_1.3.0_linux_amd64.cdx.json")
        var text = try String(contentsOf: victim, encoding: .utf8)
        text = text.replacingOccurrences(of: "v0.1.0", with: "v0.1.1")
        try text.write(to: victim, atomically: true, encoding: .utf8)
        let bad = TestSupport.shipdeck(["verify", copy.path, "--pubkey", Self.key.path + ".pub"], in: copy)
        #expect(bad.status != 0)
        #expect(bad.combined.contains("sbomhello_1.3.0_linux_amd64.cdx.json"), "\(bad.combined)")
    }

    @Test func provenanceListsTheGoModulesAndAnHTTPSSourceURI() throws {
        let envelope = try json(Self.first.file("sbomhello_1.3.0.intoto.jsonl"))
        let payloadText = try #require(envelope["payload"] as? String)
        let payload = try #require(Data(base64Encoded: payloadText))
        let statement = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        let predicate = try #require(statement["predicate"] as? [String: Any])
        let definition = try #require(predicate["buildDefinition"] as? [String: Any])
        let dependencies = try #require(definition["resolvedDependencies"] as? [[String: Any]])
        let greet = try #require(dependencies.first { $0["uri"] as? String == "pkg:golang/example.com/greet@v0.1.0" })
        #expect((greet["digest"] as? [String: String])?["dirHash"] == FileDigestHex.ofBase64(String(SBOMFixture.greetSum.dropFirst(3))))
        let source = try #require(dependencies.first { $0["name"] as? String == "source" })
        let uri = try #require(source["uri"] as? String)
        #expect(uri.hasPrefix("git+https://github.com/example/sbom-hello@"), "\(uri)")
    }

    @Test func aReleaseOfTheSameCommitElsewhereGivesTheSameSBOMBytes() throws {
        let second = Self.release()
        #expect(second.output.status == 0, "\(second.output.combined)")
        #expect(second.module.path != Self.first.module.path)
        for binary in Self.binaries {
            for suffix in [".spdx.json", ".cdx.json"] {
                let a = try Data(contentsOf: Self.first.file(binary + suffix))
                let b = try Data(contentsOf: second.file(binary + suffix))
                #expect(a == b, "\(binary)\(suffix) differs between the two releases")
            }
        }
    }

    func sha256(_ url: URL) throws -> String {
        let r = TestSupport.run("/usr/bin/sha256sum", [url.path], in: url.deletingLastPathComponent())
        return String(r.stdout.prefix(64))
    }
}

/// Hex of base64 (an h1: sum's SHA-256), computed without the code under test.
enum FileDigestHex {
    static func ofBase64(_ text: String) -> String {
        (Data(base64Encoded: text) ?? Data()).map { String(format: "%02x", $0) }.joined()
    }
}
