import Foundation
import Testing

/// Keys made at test time with the real tools, one passphrase for all of them.
struct SigningKeys {
    static let passphrase = "Tr0ub4dor-s3cret-9431"
    static let variable = "SHIPDECK_TEST_SIGNING_PASSWORD"
    static let identity = "release@example.com"

    let dir: URL
    var gnupgHome: URL { dir.appendingPathComponent("gnupg") }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Runs a program with `input` on stdin; fails the test setup loudly when it fails.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], input: String = "", in directory: URL,
        environment: [String: String] = [:]
    ) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let stdin = Pipe(), output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        try! process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// minisign, gpg, ssh, native (shipdeck keygen) and an Authenticode CA + leaf, all protected
    /// by `passphrase` where the format allows: a copy of its own (`cp -a`, modes kept) of keys
    /// generated once per test process, so no two users share a gpg home or a key file. Generating
    /// them took ~5 s of CPU (minisign's scrypt alone ~3 s), four times per run. The minisign key's
    /// password is derived with 16 MiB of scrypt, not minisign's 1 GiB (protect.py says why).
    static func make() -> SigningKeys {
        let keys = SigningKeys(dir: TestSupport.temporaryDirectory("keys"))
        let copy = TestSupport.run("/bin/cp", ["-a", generated.dir.path + "/.", keys.dir.path], in: keys.dir)
        precondition(copy.status == 0, "copying the test keys failed: \(copy.combined)")
        return keys
    }

    private static let generated = generate()

    private static func generate() -> SigningKeys {
        let keys = SigningKeys(dir: TestSupport.temporaryDirectory("keys"))
        let d = keys.dir
        let pw = passphrase
        // minisign's own -G derives the key's password with 1 GiB of scrypt, which every signature
        // pays again (~3 s of CPU); protect.py puts the password on with 16 MiB limits instead,
        // which minisign reads back from the file (Tests/Fixtures/minisign-kdf).
        var r = run(
            "/usr/bin/minisign", ["-G", "-W", "-p", keys.path("minisign.pub"), "-s", keys.path("minisign.key")],
            input: "", in: d)
        precondition(r.status == 0, r.output)
        r = run(
            "/usr/bin/python3",
            [TestSupport.fixtures.appendingPathComponent("minisign-kdf/protect.py").path, keys.path("minisign.key")],
            input: "\(pw)\n", in: d)
        precondition(r.status == 0, r.output)
        try! FileManager.default.createDirectory(
            at: keys.gnupgHome, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let gpgEnv = ["GNUPGHOME": keys.gnupgHome.path]
        r = run(
            "/usr/bin/gpg",
            [
                "--batch", "--pinentry-mode", "loopback", "--passphrase", pw, "--quick-gen-key",
                "Release <\(identity)>", "ed25519", "sign", "never",
            ], in: d, environment: gpgEnv)
        precondition(r.status == 0, r.output)
        r = run(
            "/usr/bin/gpg", ["--batch", "--armor", "--output", keys.path("gpg-public.asc"), "--export", identity],
            in: d, environment: gpgEnv)
        precondition(r.status == 0, r.output)
        r = run(
            "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", pw, "-C", identity, "-f", keys.path("id_ed25519")],
            in: d)
        precondition(r.status == 0, r.output)
        let pub = try! String(contentsOfFile: keys.path("id_ed25519.pub"), encoding: .utf8)
        try! "\(identity) namespaces=\"file\" \(pub)".write(
            toFile: keys.path("allowed_signers"), atomically: true, encoding: .utf8)
        let keygen = TestSupport.shipdeck(["keygen", "--output", keys.path("native")], in: d)
        precondition(keygen.status == 0, keygen.combined)
        // Authenticode: a CA, and a code-signing leaf whose key is encrypted with the passphrase.
        let ossl = "/usr/bin/openssl"
        for args in [
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
                "-subj", "/CN=Shipdeck Test CA",
            ],
            [
                "req", "-newkey", "rsa:2048", "-keyout", "leaf.key", "-passout", "pass:\(pw)", "-out", "leaf.csr",
                "-subj", "/CN=Shipdeck Test Signer",
            ],
        ] {
            r = run(ossl, args, in: d)
            precondition(r.status == 0, r.output)
        }
        try! "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=codeSigning\n"
            .write(toFile: keys.path("leaf.ext"), atomically: true, encoding: .utf8)
        r = run(
            ossl,
            [
                "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "leaf.pem",
                "-days", "30", "-extfile", "leaf.ext",
            ], in: d)
        precondition(r.status == 0, r.output)
        for key in ["minisign.key", "id_ed25519", "native.key", "leaf.key", "ca.key"] { chmod(keys.path(key), 0o600) }
        keys.stopAgent()
        return keys
    }

    /// Stops the gpg-agent a signing run started in this home.
    func stopAgent(home: URL? = nil) {
        _ = SigningKeys.run(
            "/usr/bin/gpgconf", ["--kill", "gpg-agent"], in: dir,
            environment: ["GNUPGHOME": (home ?? gnupgHome).path])
    }

    /// The `signers:` section using every kind.
    var allSigners: String {
        """
        signers:
          - kind: minisign
            key: \(path("minisign.key"))
            password_env: \(Self.variable)
          - kind: gpg
            user: \(Self.identity)
            gnupg_home: \(gnupgHome.path)
            password_env: \(Self.variable)
          - kind: ssh
            key: \(path("id_ed25519"))
            identity: \(Self.identity)
            password_env: \(Self.variable)
          - kind: native
            key: \(path("native.key"))
            suffix: .p256.sig
          - kind: authenticode
            certificate: \(path("leaf.pem"))
            key: \(path("leaf.key"))
            ca: \(path("ca.pem"))
            password_env: \(Self.variable)

        """
    }

    /// The `shipdeck verify` flags for every key.
    var verifyFlags: [String] {
        [
            "--minisign-key", path("minisign.pub"), "--gpg-keyring", path("gpg-public.asc"),
            "--ssh-allowed-signers", path("allowed_signers"), "--ssh-identity", Self.identity, "--pubkey",
            path("native.pub"),
            "--authenticode-ca", path("ca.pem"),
        ]
    }
}

/// One release of Examples/hello for linux/amd64 and windows/amd64, signed by every signer kind,
/// with provenance; shared by the tests below, which each check one thing about it.
struct SignedRelease: @unchecked Sendable {
    let keys: SigningKeys
    let module: URL
    let output: TestSupport.Output
    var dist: URL { module.appendingPathComponent("dist") }
    let version = "1.4.0"

    static let shared = SignedRelease()

    private init() {
        keys = SigningKeys.make()
        module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v1.4.0")
        let yaml =
            "targets: [linux/amd64, windows/amd64]\narchive:\n  format: binary\nprovenance: true\n" + keys.allSigners
        try! yaml.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        output = TestSupport.shipdeck(
            ["release", "--no-tui"], in: module,
            environment: [SigningKeys.variable: SigningKeys.passphrase])
        keys.stopAgent()
    }

    func file(_ name: String) -> String { dist.appendingPathComponent(name).path }
    var linuxBinary: String { "hello_\(version)_linux_amd64" }
    var windowsBinary: String { "hello_\(version)_windows_amd64.exe" }

    /// A copy of dist/ somewhere else, for tampering.
    func copyOfDist() -> URL {
        let copy = TestSupport.temporaryDirectory("dist-copy").appendingPathComponent("release")
        try! FileManager.default.copyItem(at: dist, to: copy)
        return copy
    }
}

@Suite(.serialized, .ownThreads) struct SigningEndToEndTests {
    let release = SignedRelease.shared

    @Test func theSignedReleaseSucceeds() {
        #expect(release.output.status == 0, "\(release.output.combined)")
        for signer in ["minisign", "gpg", "ssh", "native"] {
            #expect(
                release.output.stdout.contains("signature verified: checksums.txt by \(signer)"),
                "\(release.output.stdout)")
        }
        #expect(release.output.stdout.contains("signature verified: \(release.windowsBinary) by authenticode"))
        #expect(
            release.output.stdout.contains(
                "signers: minisign: checksums; gpg: checksums; ssh: checksums; native: checksums; "
                    + "authenticode: windows executables (embedded)"), "\(release.output.stdout)")
    }

    @Test func minisignVerifiesTheChecksumsSignature() {
        let r = TestSupport.run(
            "/usr/bin/minisign", ["-V", "-p", release.keys.path("minisign.pub"), "-m", release.file("checksums.txt")],
            in: release.dist)
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.combined.contains("Signature and comment signature verified"))
    }

    @Test func gpgVerifiesTheChecksumsSignatureInAFreshHome() throws {
        let home = TestSupport.temporaryDirectory("gnupg-fresh")
        chmod(home.path, 0o700)
        defer { release.keys.stopAgent(home: home) }
        let env = ["GNUPGHOME": home.path]
        let imported = TestSupport.run(
            "/usr/bin/gpg", ["--batch", "--import", release.keys.path("gpg-public.asc")],
            in: home, environment: env)
        #expect(imported.status == 0, "\(imported.combined)")
        let r = TestSupport.run(
            "/usr/bin/gpg", ["--batch", "--verify", release.file("checksums.txt.asc"), release.file("checksums.txt")],
            in: home, environment: env)
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.combined.contains("Good signature from \"Release <\(SigningKeys.identity)>\""))
    }

    @Test func sshKeygenVerifiesTheChecksumsSignature() {
        let command =
            "ssh-keygen -Y verify -f \(release.keys.path("allowed_signers")) -I \(SigningKeys.identity) -n file "
            + "-s checksums.txt.sig < checksums.txt"
        let r = TestSupport.run("/bin/sh", ["-c", command], in: release.dist)
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.combined.contains("Good \"file\" signature for \(SigningKeys.identity)"))
    }

    @Test func opensslVerifiesTheNativeSignature() {
        let der = TestSupport.temporaryDirectory("der").appendingPathComponent("sig.der").path
        let command =
            "base64 -d checksums.txt.p256.sig > \(der) && "
            + "openssl dgst -sha256 -verify \(release.keys.path("native.pub")) -signature \(der) checksums.txt"
        let r = TestSupport.run("/bin/sh", ["-c", command], in: release.dist)
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.stdout.contains("Verified OK"))
    }

    @Test func osslsigncodeVerifiesTheAuthenticodeSignatureWithTheTestCA() {
        let r = TestSupport.run(
            "/usr/bin/osslsigncode",
            [
                "verify", "-in", release.file(release.windowsBinary),
                "-CAfile", release.keys.path("ca.pem"),
            ], in: release.dist)
        #expect(r.status == 0, "\(r.combined)")
        #expect(r.combined.contains("Signature verification: ok"))
        // Hashed after signing: checksums.txt has the signed file's hash.
        let check = TestSupport.run("/usr/bin/sha256sum", ["-c", "checksums.txt"], in: release.dist)
        #expect(check.status == 0, "\(check.combined)")
    }

    @Test func theLinuxBinaryCarriesNoAuthenticodeSignature() {
        let r = TestSupport.run(
            "/usr/bin/osslsigncode", ["verify", "-in", release.file(release.linuxBinary)], in: release.dist)
        #expect(r.status != 0)
    }

    @Test func signaturesAreArtifactsInTheManifestButNotInChecksums() throws {
        let data = try Data(contentsOf: release.dist.appendingPathComponent("artifacts.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let signatures = entries.filter { $0["type"] as? String == "Signature" }.compactMap { $0["name"] as? String }
            .sorted()
        #expect(
            signatures == ["checksums.txt.asc", "checksums.txt.minisig", "checksums.txt.p256.sig", "checksums.txt.sig"])
        let checksums = try String(contentsOf: release.dist.appendingPathComponent("checksums.txt"), encoding: .utf8)
        #expect(!checksums.contains(".sig") && !checksums.contains(".asc"))
        #expect(checksums.split(separator: "\n").count == 2)
    }

    @Test func theSecretAppearsInNoFileOfDistAndInNoOutput() throws {
        let secret = SigningKeys.passphrase
        #expect(!release.output.combined.contains(secret))
        let nativeKey = try String(contentsOfFile: release.keys.path("native.key"), encoding: .utf8)
        let keyBody = nativeKey.split(separator: "\n")[1]  // a line of the private key's base64
        var checked = 0
        let walker = try #require(FileManager.default.enumerator(at: release.dist, includingPropertiesForKeys: nil))
        for case let url as URL in walker {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else {
                continue
            }
            let data = try Data(contentsOf: url)
            #expect(data.range(of: Data(secret.utf8)) == nil, "the passphrase is in \(url.path)")
            #expect(data.range(of: Data(keyBody.utf8)) == nil, "the native private key is in \(url.path)")
            checked += 1
            // The journal (when there is one) did record the signatures, just not the secret.
            if url.pathExtension == "jsonl", !url.lastPathComponent.contains("intoto") {
                #expect(String(decoding: data, as: UTF8.self).contains("\"verified\""), "\(url.lastPathComponent)")
            }
        }
        #expect(checked >= 8, "expected binaries, signatures, checksums, manifest, logs in dist/")
        let verify = TestSupport.shipdeck(["verify", release.dist.path] + release.keys.verifyFlags, in: release.dist)
        #expect(!verify.combined.contains(secret))
    }

    @Test func theBuildEnvironmentDoesNotCarryTheSecretVariable() throws {
        defer { release.keys.stopAgent() }  // the plan's probe signature started it
        let plan = TestSupport.shipdeck(
            ["plan"], in: release.module, environment: [SigningKeys.variable: SigningKeys.passphrase])
        #expect(plan.status == 0, "\(plan.combined)")
        #expect(!plan.combined.contains(SigningKeys.passphrase))
        #expect(!plan.combined.contains(SigningKeys.variable))
    }
}
