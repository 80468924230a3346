import Foundation
import Testing

/// `provenance: true`: an in-toto statement with a SLSA v1 predicate, in a DSSE envelope signed
/// with the native key, which openssl verifies over the pre-authentication encoding.
@Suite(.serialized, .ownThreads) struct ProvenanceEndToEndTests {
    let release = SignedRelease.shared

    func envelope() throws -> [String: Any] {
        let data = try Data(contentsOf: release.dist.appendingPathComponent("hello_1.4.0.intoto.jsonl"))
        #expect(
            data.last == UInt8(ascii: "\n") && data.dropLast().firstIndex(of: UInt8(ascii: "\n")) == nil,
            "one JSON line")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theStatementNamesEveryArtifactDigestTheGoVersionAndTheCommit() throws {
        let env = try envelope()
        #expect(env["payloadType"] as? String == "application/vnd.in-toto+json")
        let payloadText = try #require(env["payload"] as? String)
        let payload = try #require(Data(base64Encoded: payloadText))
        let statement = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        #expect(statement["_type"] as? String == "https://in-toto.io/Statement/v1")
        #expect(statement["predicateType"] as? String == "https://slsa.dev/provenance/v1")
        let subjects = try #require(statement["subject"] as? [[String: Any]])
        let checksums = try String(contentsOf: release.dist.appendingPathComponent("checksums.txt"), encoding: .utf8)
        for line in checksums.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            let subject = subjects.first { $0["name"] as? String == String(parts[1]) }
            #expect((subject?["digest"] as? [String: String])?["sha256"] == String(parts[0]), "\(parts[1])")
        }
        #expect(subjects.contains { $0["name"] as? String == "checksums.txt" })
        let predicate = try #require(statement["predicate"] as? [String: Any])
        let definition = try #require(predicate["buildDefinition"] as? [String: Any])
        let internalParameters = try #require(definition["internalParameters"] as? [String: Any])
        #expect((internalParameters["goVersion"] as? String)?.hasPrefix("go1.") == true)
        let external = try #require(definition["externalParameters"] as? [String: Any])
        let cells = try #require(external["cells"] as? [[String: Any]])
        #expect(cells.count == 2)
        #expect((cells[0]["arguments"] as? [String])?.contains("-trimpath") == true)
        #expect((cells[0]["env"] as? [String: String])?["CGO_ENABLED"] == "0")
        let dependencies = try #require(definition["resolvedDependencies"] as? [[String: Any]])
        let commit = TestSupport.run("/usr/bin/git", ["rev-parse", "HEAD"], in: release.module).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(dependencies.contains { ($0["digest"] as? [String: String])?["gitCommit"] == commit })
        let runDetails = try #require(predicate["runDetails"] as? [String: Any])
        #expect((runDetails["builder"] as? [String: Any])?["id"] as? String != nil)
    }

    @Test func opensslVerifiesTheDSSESignatureOverThePreAuthenticationEncoding() throws {
        let env = try envelope()
        let type = try #require(env["payloadType"] as? String)
        let payloadText = try #require(env["payload"] as? String)
        let payload = try #require(Data(base64Encoded: payloadText))
        let signatures = try #require(env["signatures"] as? [[String: Any]])
        let sigText = try #require(signatures.first?["sig"] as? String)
        let sig = try #require(Data(base64Encoded: sigText))
        var pae = Data("DSSEv1 \(type.utf8.count) \(type) \(payload.count) ".utf8)
        pae.append(payload)
        let dir = TestSupport.temporaryDirectory("dsse")
        try pae.write(to: dir.appendingPathComponent("pae"))
        try sig.write(to: dir.appendingPathComponent("sig.der"))
        let r = TestSupport.run(
            "/usr/bin/openssl",
            [
                "dgst", "-sha256", "-verify", release.keys.path("native.pub"),
                "-signature", "sig.der", "pae",
            ], in: dir)
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.stdout.contains("Verified OK"))
    }

    @Test func verifyRejectsProvenanceSignedByAnotherKey() throws {
        let copy = release.copyOfDist()
        let other = TestSupport.temporaryDirectory("other").appendingPathComponent("k")
        #expect(TestSupport.shipdeck(["keygen", "--output", other.path], in: copy).status == 0)
        let out = TestSupport.shipdeck(
            [
                "verify", copy.path, "--minisign-key", release.keys.path("minisign.pub"),
                "--pubkey", other.path + ".pub",
            ], in: copy)
        #expect(out.status == 1)
        #expect(
            out.stdout.contains("MISMATCH  hello_1.4.0.intoto.jsonl  (provenance: DSSE signature does not verify"),
            "\(out.stdout)")
    }
}
