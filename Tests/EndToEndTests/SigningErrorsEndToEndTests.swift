import Foundation
import Testing

/// A signer that cannot sign stops the release before any build starts, with a clear error.
@Suite(.serialized, .ownThreads) struct SigningErrorsEndToEndTests {
    static let keys = SigningKeys.make()

    struct Attempt {
        var output: TestSupport.Output
        var dist: URL
    }

    func release(
        signers: String, environment: [String: String] = [SigningKeys.variable: SigningKeys.passphrase],
        extra: [String] = []
    ) throws -> Attempt {
        let module = TestSupport.copyFixture("hello", example: true)
        let yaml = "targets: [linux/amd64]\narchive:\n  format: binary\nsigners:\n" + signers
        try yaml.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(
            ["release", "--no-tui", "--go", TestSupport.goBinary] + extra, in: module,
            environment: environment)
        return Attempt(output: out, dist: module.appendingPathComponent("dist"))
    }

    /// Nothing was built: no dist/ folder, no stage line.
    func expectNothingBuilt(_ attempt: Attempt) {
        #expect(attempt.output.status != 0)
        #expect(!FileManager.default.fileExists(atPath: attempt.dist.path), "dist/ exists: a build started")
        #expect(!attempt.output.stdout.contains("build started"), "\(attempt.output.stdout)")
    }

    func minisign(key: String) -> String {
        "  - kind: minisign\n    key: \(key)\n    public_key: \(Self.keys.path("minisign.pub"))\n    password_env: \(SigningKeys.variable)\n"
    }

    @Test func aWrongMinisignPasswordIsAnErrorBeforeAnyBuild() throws {
        let wrong = "not-the-right-one-7781"
        let attempt = try release(
            signers: minisign(key: Self.keys.path("minisign.key")),
            environment: [SigningKeys.variable: wrong])
        expectNothingBuilt(attempt)
        let stderr = attempt.output.stderr
        #expect(stderr.contains("shipdeck.yml:5: signer minisign"), "\(stderr)")
        #expect(stderr.contains("minisign signing failed: wrong password for the key"), "\(stderr)")
        #expect(stderr.contains("hint: check the password in $\(SigningKeys.variable)"), "\(stderr)")
        #expect(!attempt.output.combined.contains(wrong))
    }

    @Test func aWrongGPGPassphraseIsAnErrorBeforeAnyBuild() throws {
        defer { Self.keys.stopAgent() }
        let signers =
            "  - kind: gpg\n    user: \(SigningKeys.identity)\n    gnupg_home: \(Self.keys.gnupgHome.path)\n"
            + "    password_env: \(SigningKeys.variable)\n"
        let attempt = try release(signers: signers, environment: [SigningKeys.variable: "wrong-gpg-passphrase-1"])
        expectNothingBuilt(attempt)
        #expect(
            attempt.output.stderr.contains("signer gpg: gpg signing shipdeck-probe.txt failed"),
            "\(attempt.output.stderr)")
        #expect(!attempt.output.combined.contains("wrong-gpg-passphrase-1"))
    }

    @Test func aSignatureThatFailsItsOwnVerificationStopsTheRelease() throws {
        // A public key that is not the pair of the secret key: the probe signs, then minisign -V fails.
        let other = TestSupport.temporaryDirectory("other-minisign")
        let made = SigningKeys.run("/usr/bin/minisign", ["-G", "-W", "-p", "other.pub", "-s", "other.key"], in: other)
        #expect(made.status == 0, "\(made.output)")
        let signers =
            "  - kind: minisign\n    key: \(Self.keys.path("minisign.key"))\n"
            + "    public_key: \(other.appendingPathComponent("other.pub").path)\n    password_env: \(SigningKeys.variable)\n"
        let attempt = try release(signers: signers)
        expectNothingBuilt(attempt)
        #expect(
            attempt.output.stderr.contains("signer minisign: minisign -V of shipdeck-probe.txt failed"),
            "\(attempt.output.stderr)")
        #expect(attempt.output.stderr.contains("is public_key"), "\(attempt.output.stderr)")
    }

    @Test func aMissingKeyFileIsAnErrorBeforeAnyBuild() throws {
        let missing = Self.keys.path("no-such.key")
        let attempt = try release(signers: minisign(key: missing))
        expectNothingBuilt(attempt)
        #expect(
            attempt.output.stderr.contains("key file \(missing) cannot be used: No such file or directory"),
            "\(attempt.output.stderr)")
    }

    @Test func aKeyFileOthersCanReadIsRefusedBeforeAnyBuild() throws {
        let exposed = Self.keys.path("exposed-minisign.key")
        try? FileManager.default.removeItem(atPath: exposed)
        try FileManager.default.copyItem(atPath: Self.keys.path("minisign.key"), toPath: exposed)
        chmod(exposed, 0o644)
        let attempt = try release(signers: minisign(key: exposed))
        expectNothingBuilt(attempt)
        #expect(attempt.output.stderr.contains("is readable by others (mode 644)"), "\(attempt.output.stderr)")
        #expect(attempt.output.stderr.contains("hint: chmod 600 \(exposed)"))
    }

    @Test func aMissingSignerProgramIsAnErrorBeforeAnyBuild() throws {
        let emptyPath = TestSupport.temporaryDirectory("empty-path")
        let attempt = try release(
            signers: minisign(key: Self.keys.path("minisign.key")),
            environment: [SigningKeys.variable: SigningKeys.passphrase, "PATH": emptyPath.path])
        expectNothingBuilt(attempt)
        #expect(
            attempt.output.stderr.contains("minisign is not installed: it is not on PATH"), "\(attempt.output.stderr)")
        #expect(attempt.output.stderr.contains("Debian package minisign"))
    }

    @Test func anUnsetPasswordVariableIsAnErrorBeforeAnyBuild() throws {
        let attempt = try release(
            signers: minisign(key: Self.keys.path("minisign.key")), environment: [SigningKeys.variable: ""])
        expectNothingBuilt(attempt)
        #expect(
            attempt.output.stderr.contains("environment variable \(SigningKeys.variable) is not set"),
            "\(attempt.output.stderr)")
    }

    @Test func aWrongAuthenticodeKeyPasswordIsAnErrorBeforeAnyBuild() throws {
        let signers =
            "  - kind: authenticode\n    certificate: \(Self.keys.path("leaf.pem"))\n    key: \(Self.keys.path("leaf.key"))\n"
            + "    ca: \(Self.keys.path("ca.pem"))\n    password_env: \(SigningKeys.variable)\n"
        let attempt = try release(signers: signers, environment: [SigningKeys.variable: "bad-authenticode-pw"])
        expectNothingBuilt(attempt)
        #expect(attempt.output.stderr.contains("cannot read the Authenticode key"), "\(attempt.output.stderr)")
        #expect(!attempt.output.combined.contains("bad-authenticode-pw"))
    }

    @Test func aCommandSignerWhoseProgramIsMissingIsAnErrorBeforeAnyBuild() throws {
        let signers =
            "  - kind: command\n    name: cosign\n    command: shipdeck-no-such-cosign sign-blob --output-signature {signature} {artifact}\n"
            + "  - kind: native\n    key: \(Self.keys.path("native.key"))\n"
        let attempt = try release(signers: signers)
        expectNothingBuilt(attempt)
        #expect(
            attempt.output.stderr.contains(
                "signer cosign: shipdeck-no-such-cosign is not installed (not on PATH), so the release would ship unsigned"),
            "\(attempt.output.stderr)")
        #expect(attempt.output.stderr.contains("hint: install shipdeck-no-such-cosign, or add optional: true"))
    }

    @Test func anOptionalCommandSignerWhoseProgramIsMissingIsSkippedWithAWarning() throws {
        let signers =
            "  - kind: command\n    name: cosign\n    optional: true\n"
            + "    command: shipdeck-no-such-cosign sign-blob --output-signature {signature} {artifact}\n"
            + "  - kind: native\n    key: \(Self.keys.path("native.key"))\n"
        let attempt = try release(signers: signers)
        #expect(attempt.output.status == 0, "\(attempt.output.combined)")
        #expect(
            attempt.output.stdout.contains(
                "warning: signer cosign: shipdeck-no-such-cosign is not installed; it is skipped (optional: true)"))
        #expect(FileManager.default.fileExists(atPath: attempt.dist.appendingPathComponent("checksums.txt.sig").path))
    }

    @Test func buildChildrenNeverSeeTheSecretVariable() throws {
        // A go wrapper records the environment the build gets, then builds.
        let dir = TestSupport.temporaryDirectory("envdump")
        let dump = dir.appendingPathComponent("env.txt").path
        let wrapper = dir.appendingPathComponent("go").path
        try "#!/bin/sh\nenv >> \(dump)\nexec \(TestSupport.goBinary) \"$@\"\n".write(
            toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        let attempt = try release(signers: minisign(key: Self.keys.path("minisign.key")), extra: ["--go", wrapper])
        #expect(attempt.output.status == 0, "\(attempt.output.combined)")
        let seen = try String(contentsOfFile: dump, encoding: .utf8)
        #expect(seen.contains("GOOS=linux"), "the wrapper ran for the build")
        #expect(!seen.contains(SigningKeys.variable))
        #expect(!seen.contains(SigningKeys.passphrase))
    }

    @Test func aNativeKeyFromAnEnvironmentVariableSignsAndNeverShows() throws {
        let pem = try String(contentsOfFile: Self.keys.path("native.key"), encoding: .utf8)
        let signers = "  - kind: native\n    key_env: SHIPDECK_TEST_NATIVE_KEY\n"
        let attempt = try release(signers: signers, environment: ["SHIPDECK_TEST_NATIVE_KEY": pem])
        #expect(attempt.output.status == 0, "\(attempt.output.combined)")
        let signature = attempt.dist.appendingPathComponent("checksums.txt.sig").path
        let der = TestSupport.temporaryDirectory("der").appendingPathComponent("sig.der").path
        let command =
            "base64 -d \(signature) > \(der) && openssl dgst -sha256 -verify \(Self.keys.path("native.pub")) "
            + "-signature \(der) \(attempt.dist.appendingPathComponent("checksums.txt").path)"
        let r = TestSupport.run("/bin/sh", ["-c", command], in: attempt.dist)
        #expect(r.status == 0, "\(r.combined)")
        let body = String(pem.split(separator: "\n")[1])
        #expect(!attempt.output.combined.contains(body))
    }

    @Test func aCommandSignerRunsItsTemplate() throws {
        // openssl as "any other program": the template writes a P-256 signature openssl can check.
        let key = Self.keys.path("native.key")
        let signers =
            "  - kind: command\n    name: openssl\n    suffix: .ossl.sig\n"
            + "    command: openssl dgst -sha256 -sign \(key) -out {signature} {artifact}\n"
            + "    verify_command: openssl dgst -sha256 -verify \(Self.keys.path("native.pub")) -signature {signature} {artifact}\n"
        let attempt = try release(signers: signers)
        #expect(attempt.output.status == 0, "\(attempt.output.combined)")
        #expect(
            attempt.output.stdout.contains("signature verified: checksums.txt by openssl"), "\(attempt.output.stdout)")
        #expect(
            FileManager.default.fileExists(atPath: attempt.dist.appendingPathComponent("checksums.txt.ossl.sig").path))
        // verify cannot check a command signer's format: SKIPPED (it covers nothing), not MISMATCH.
        let checked = TestSupport.shipdeck(["verify", attempt.dist.path], in: attempt.dist.deletingLastPathComponent())
        #expect(checked.stdout.contains("SKIPPED   checksums.txt.ossl.sig  (not a format Shipdeck checks"), "\(checked.stdout)")
        #expect(!checked.stdout.contains("MISMATCH"), "\(checked.stdout)")
        #expect(checked.status == 1, "\(checked.combined)")  // nothing verified covers the files
        #expect(checked.stdout.contains("UNSIGNED  checksums.txt"), "\(checked.stdout)")
    }

    /// Native keys are plain PEM: a password_env would be read and not used, and an encrypted PKCS#8
    /// key is named as such (not "not a P-256 key"); both before any build.
    @Test func aNativeSignerWithAPasswordOrAnEncryptedKeyIsNamedBeforeAnyBuild() throws {
        let key = Self.keys.path("native.key")
        let withPassword = try release(
            signers: "  - kind: native\n    key: \(key)\n    password_env: \(SigningKeys.variable)\n")
        expectNothingBuilt(withPassword)
        #expect(withPassword.output.status == 2, "\(withPassword.output.combined)")
        #expect(
            withPassword.output.stderr.contains("password_env \(SigningKeys.variable) has no effect"),
            "\(withPassword.output.stderr)")
        let encrypted = TestSupport.temporaryDirectory("enc-key").appendingPathComponent("enc.key")
        let made = TestSupport.run(
            "/usr/bin/openssl",
            ["pkcs8", "-topk8", "-in", key, "-out", encrypted.path, "-passout", "pass:secret-7781", "-v2", "aes-256-cbc"],
            in: encrypted.deletingLastPathComponent())
        try #require(made.status == 0, "\(made.combined)")
        let attempt = try release(signers: "  - kind: native\n    key: \(encrypted.path)\n")
        expectNothingBuilt(attempt)
        #expect(attempt.output.stderr.contains("encrypted (password-protected) PKCS#8 key"), "\(attempt.output.stderr)")
        #expect(!attempt.output.combined.contains("secret-7781"))
    }

    @Test func aCommandSignerWithoutAVerifyCommandIsNotCalledVerified() throws {
        let key = Self.keys.path("native.key")
        let signers =
            "  - kind: command\n    name: openssl\n    suffix: .ossl.sig\n"
            + "    command: openssl dgst -sha256 -sign \(key) -out {signature} {artifact}\n"
        let attempt = try release(signers: signers)
        #expect(attempt.output.status == 0, "\(attempt.output.combined)")
        #expect(
            attempt.output.stdout.contains(
                "signature signed: checksums.txt by openssl: not checked: the command signer has no verify_command"),
            "\(attempt.output.stdout)")
        #expect(!attempt.output.stdout.contains("signature verified: checksums.txt by openssl"), "\(attempt.output.stdout)")
    }
}
