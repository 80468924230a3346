import Foundation
import Testing

/// `signs: artifacts`: every binary gets its own signature, in the cell's sign stage.
@Suite(.serialized, .ownThreads) struct SigningArtifactsEndToEndTests {
    static let keys = SigningKeys.make()

    struct Release {
        var output: TestSupport.Output
        var dist: URL
    }

    static let release: Release = {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v0.9.0")
        let yaml = """
            targets: [linux/amd64, windows/amd64]
            archive:
              format: binary
            signers:
              - kind: native
                signs: artifacts
                key: \(keys.path("native.key"))
              - kind: minisign
                key: \(keys.path("minisign.key"))
                password_env: \(SigningKeys.variable)

            """
        try! yaml.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(
            ["release", "--no-tui"], in: module, environment: [SigningKeys.variable: SigningKeys.passphrase])
        return Release(output: out, dist: module.appendingPathComponent("dist"))
    }()

    @Test func eachCellSignsItsBinaryInTheSignStage() {
        let out = Self.release.output
        #expect(out.status == 0, "\(out.combined)")
        for cell in ["linux/amd64", "windows/amd64"] {
            #expect(out.stdout.contains("[\(cell)] sign ok"), "\(out.stdout)")
        }
        #expect(out.stdout.contains("signature verified: hello_0.9.0_linux_amd64 by native"))
        #expect(out.stdout.contains("signature verified: checksums.txt by minisign"))
        #expect(!out.stdout.contains("checksums.txt by native"))
    }

    @Test func opensslVerifiesABinarySignature() {
        let der = TestSupport.temporaryDirectory("der").appendingPathComponent("sig.der").path
        let command =
            "base64 -d hello_0.9.0_windows_amd64.exe.sig > \(der) && "
            + "openssl dgst -sha256 -verify \(Self.keys.path("native.pub")) -signature \(der) hello_0.9.0_windows_amd64.exe"
        let r = TestSupport.run("/bin/sh", ["-c", command], in: Self.release.dist)
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.stdout.contains("Verified OK"))
    }

    @Test func binarySignaturesAreCellArtifactsInTheManifest() throws {
        let data = try Data(contentsOf: Self.release.dist.appendingPathComponent("artifacts.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let signature = try #require(entries.first { $0["name"] as? String == "hello_0.9.0_linux_amd64.sig" })
        #expect(signature["type"] as? String == "Signature")
        #expect(signature["goos"] as? String == "linux")
        #expect(signature["cell"] as? String == "linux/amd64")
    }

    @Test func ownSignaturesCoverTheBinariesWithoutTheChecksumsKey() {
        let out = TestSupport.shipdeck(
            ["verify", Self.release.dist.path, "--pubkey", Self.keys.path("native.pub")],
            in: Self.release.dist)
        #expect(out.status == 1, "\(out.combined)")
        #expect(
            out.stdout.contains("OK        hello_0.9.0_linux_amd64  (covered by hello_0.9.0_linux_amd64.sig)\n"),
            "\(out.stdout)")
        #expect(out.stdout.contains("UNSIGNED  checksums.txt"), "\(out.stdout)")
        let both = TestSupport.shipdeck(
            [
                "verify", Self.release.dist.path, "--pubkey", Self.keys.path("native.pub"),
                "--minisign-key", Self.keys.path("minisign.pub"),
            ], in: Self.release.dist)
        #expect(both.status == 0, "\(both.combined)")
    }
}
