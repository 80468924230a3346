import Foundation
import Testing

/// `shipdeck verify` on the signed release, on copies of it, and on tampered copies.
@Suite(.serialized, .ownThreads) struct VerifyEndToEndTests {
    let release = SignedRelease.shared

    func verify(_ dist: URL, _ extra: [String] = []) -> TestSupport.Output {
        TestSupport.shipdeck(
            ["verify", dist.path] + release.keys.verifyFlags + extra,
            in: dist.deletingLastPathComponent())
    }

    @Test func aCopiedReleaseVerifiesFileByFile() {
        let copy = release.copyOfDist()
        let out = verify(copy)
        #expect(out.status == 0, "\(out.combined)")
        for name in [
            release.linuxBinary, release.windowsBinary, "checksums.txt", "checksums.txt.minisig", "checksums.txt.asc",
            "checksums.txt.sig", "checksums.txt.p256.sig", "hello_1.4.0.intoto.jsonl",
        ] {
            #expect(out.stdout.contains("OK        \(name)"), "\(name) in:\n\(out.stdout)")
        }
        #expect(out.stdout.contains("provenance: 3 subjects match, DSSE signature verified"))
        #expect(
            out.stdout.contains("OK        \(release.linuxBinary)  (covered by signed checksums.txt)"), "\(out.stdout)")
        #expect(
            out.stdout.contains(
                "OK        checksums.txt  (covered by checksums.txt.asc, checksums.txt.minisig, checksums.txt.p256.sig, checksums.txt.sig)"
            ),
            "\(out.stdout)")
        #expect(out.stdout.contains("verify: "))
    }

    @Test func oneFlippedByteInABinaryFailsNamingThatFile() throws {
        let copy = release.copyOfDist()
        let binary = copy.appendingPathComponent(release.linuxBinary)
        var data = try Data(contentsOf: binary)
        data[data.count / 2] ^= 0x01
        try data.write(to: binary)
        let out = verify(copy)
        #expect(out.status == 1, "\(out.combined)")
        #expect(out.stdout.contains("MISMATCH  \(release.linuxBinary)"), "\(out.stdout)")
        #expect(out.stdout.contains("verify: FAILED"))
        #expect(!out.stdout.contains("MISMATCH  \(release.windowsBinary)"))
    }

    @Test func aSwappedSignatureFailsNamingThatSignature() throws {
        let copy = release.copyOfDist()
        // A genuine minisign signature by the same key, but of another file.
        let signature = copy.appendingPathComponent("checksums.txt.minisig")
        let other = SigningKeys.run(
            "/usr/bin/minisign",
            [
                "-S", "-s", release.keys.path("minisign.key"), "-m",
                copy.appendingPathComponent(release.linuxBinary).path,
                "-x", signature.path,
            ],
            input: SigningKeys.passphrase + "\n", in: copy)
        #expect(other.status == 0, "\(other.output)")
        let out = verify(copy)
        #expect(out.status == 1, "\(out.combined)")
        #expect(out.stdout.contains("MISMATCH  checksums.txt.minisig"), "\(out.stdout)")
    }

    @Test func aSignatureThatDoesNotVerifyFailsEvenWhenTheManifestIsUpdated() throws {
        let copy = release.copyOfDist()
        // Re-sign checksums.txt with another native key and fix up artifacts.json's hash.
        let other = TestSupport.temporaryDirectory("other-key").appendingPathComponent("other")
        #expect(TestSupport.shipdeck(["keygen", "--output", other.path], in: copy).status == 0)
        let sigURL = copy.appendingPathComponent("checksums.txt.p256.sig")
        let command = "openssl dgst -sha256 -sign \(other.path).key checksums.txt | base64 -w0 > checksums.txt.p256.sig"
        #expect(TestSupport.run("/bin/sh", ["-c", command], in: copy).status == 0)
        let oldHash =
            release.output.status == 0 ? try sha256(release.dist.appendingPathComponent("checksums.txt.p256.sig")) : ""
        let manifest = copy.appendingPathComponent("artifacts.json")
        let text = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(
            of: oldHash, with: try sha256(sigURL))
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let out = verify(copy)
        #expect(out.status == 1, "\(out.combined)")
        #expect(
            out.stdout.contains("MISMATCH  checksums.txt.p256.sig  (P-256 signature does not verify"), "\(out.stdout)")
    }

    @Test func aMissingFileIsReportedMissing() throws {
        let copy = release.copyOfDist()
        try FileManager.default.removeItem(at: copy.appendingPathComponent(release.windowsBinary))
        let out = verify(copy)
        #expect(out.status == 1)
        #expect(out.stdout.contains("MISSING   \(release.windowsBinary)"), "\(out.stdout)")
    }

    @Test func withoutKeysEveryFileIsUnsignedAndVerifyFails() {
        let out = TestSupport.shipdeck(["verify", release.dist.path], in: release.dist)
        #expect(out.status == 1, "\(out.combined)")
        #expect(out.stdout.contains("UNSIGNED  \(release.linuxBinary)"), "\(out.stdout)")
        #expect(out.stdout.contains("SKIPPED   checksums.txt.minisig"))
        let allowed = TestSupport.shipdeck(["verify", "--allow-unsigned", release.dist.path], in: release.dist)
        #expect(allowed.status == 0, "\(allowed.combined)")
    }

    @Test func oneKeyIsEnoughToCoverTheChecksums() {
        let out = TestSupport.shipdeck(
            [
                "verify", release.dist.path, "--minisign-key", release.keys.path("minisign.pub"),
                "--pubkey", release.keys.path("native.pub"),
            ], in: release.dist)
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.stdout.contains("OK        \(release.linuxBinary)"))
    }

    func sha256(_ url: URL) throws -> String {
        let r = TestSupport.run("/usr/bin/sha256sum", [url.path], in: url.deletingLastPathComponent())
        return String(r.stdout.prefix(64))
    }
}
