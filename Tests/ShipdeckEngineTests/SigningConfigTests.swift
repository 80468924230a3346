import Foundation
import Testing

@testable import ShipdeckEngine

/// `signers:` in shipdeck.yml, secrets kept out of the config, and the DSSE encoding.
@Suite struct SigningConfigTests {
    func parse(_ yaml: String) throws -> ShipdeckConfig {
        try ConfigReader(file: "/work/mod/shipdeck.yml").parse(yaml)
    }

    func error(_ yaml: String) -> ShipdeckError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error as? ShipdeckError
        }
    }

    @Test func readsEachSignerWithItsDefaults() throws {
        let config = try parse(
            """
            signers:
              - kind: minisign
                key: keys/minisign.key
                password_env: MINISIGN_PASSWORD
              - kind: gpg
                user: release@example.com
                signs: artifacts
              - kind: ssh
                key: /abs/id_ed25519
                namespace: release
              - kind: native
                key_env: $SHIPDECK_KEY
                suffix: p256.sig
            reproducible: true
            provenance: true
            """)
        #expect(config.signers.map(\.kind) == [.minisign, .gpg, .ssh, .native])
        #expect(config.signers[0].key == "/work/mod/keys/minisign.key")
        #expect(config.signers[0].passwordEnv == "MINISIGN_PASSWORD")
        #expect(config.signers[0].scope == .checksums)
        #expect(config.signers[0].signatureSuffix == ".minisig")
        #expect(config.signers[1].scope == .artifacts)
        #expect(config.signers[1].signatureSuffix == ".asc")
        #expect(config.signers[2].namespace == "release")
        #expect(config.signers[3].keyEnv == "SHIPDECK_KEY")
        #expect(config.signers[3].signatureSuffix == ".p256.sig")
        #expect(config.signers[0].summary == "minisign: checksums")
        #expect(config.reproducible && config.provenance)
    }

    @Test func signsIsAnotherNameForSigners() throws {
        let config = try parse("signs:\n  - kind: native\n    key: k.pem\n")
        #expect(config.signers.first?.kind == .native)
    }

    @Test func anUnknownSignerKeyIsAnErrorWithItsLine() throws {
        let e = try #require(error("targets: [linux/amd64]\nsigners:\n  - kind: minisign\n    keyfile: x\n"))
        #expect(e.message.contains("shipdeck.yml:4"))
        #expect(e.message.contains("unknown key 'keyfile'"))
        #expect(e.hint?.contains("key") == true)
    }

    @Test func aLiteralPasswordInTheConfigIsRefused() throws {
        let e = try #require(error("signers:\n  - kind: minisign\n    key: k\n    password: hunter22\n"))
        #expect(e.message.contains("secrets are never written in the config"))
        #expect(e.hint?.contains("password_env") == true)
        #expect(!e.description.contains("hunter22"))
    }

    @Test func anUnknownKindNamesTheKnownOnes() throws {
        let e = try #require(error("signers:\n  - kind: cosign\n"))
        #expect(e.message.contains("unknown signer kind 'cosign'"))
        #expect(e.hint?.contains("minisign, gpg, ssh, native, command, authenticode") == true)
    }

    @Test func passwordEnvMustBeAVariableName() throws {
        let e = try #require(error("signers:\n  - kind: minisign\n    key: k\n    password_env: my secret\n"))
        #expect(e.message.contains("NAME of an environment variable"))
    }

    @Test func aCommandTemplateSplitsLikeAShell() throws {
        let config = try parse(
            "signers:\n  - kind: command\n    command: cosign sign-blob --key 'my key.pem' --output-signature {signature} {artifact}\n"
        )
        #expect(
            config.signers[0].command == [
                "cosign", "sign-blob", "--key", "my key.pem", "--output-signature", "{signature}", "{artifact}",
            ])
    }

    @Test func aSecretNeverPrintsItsValue() {
        let secret = Secret("correct horse battery")
        #expect("\(secret)" == "<secret>")
        #expect(String(reflecting: secret) == "<secret>")
        #expect(!"\(Mirror(reflecting: secret).children.map { $0.value })".contains("horse"))
        #expect(secret.scrub("tool said: correct horse battery!") == "tool said: <secret>!")
    }

    @Test func dssePreAuthenticationEncodingMatchesTheSpec() {
        // The example in github.com/secure-systems-lab/dsse/blob/master/protocol.md.
        let pae = DSSEEnvelope.preAuthenticationEncoding(
            type: "http://example.com/HelloWorld", body: Data("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }
}
