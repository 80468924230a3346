import Crypto
import Foundation
import Testing

@testable import ShipdeckEngine

/// Small pieces of the trust chain that need no external tool.
@Suite struct SigningUnitTests {
    func temporaryFile(_ contents: String, mode: mode_t) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shipdeck-unit-\(UUID().uuidString)")
        try Data(contents.utf8).write(to: url)
        chmod(url.path, mode)
        return url.path
    }

    @Test func aKeyFileReadableByOthersIsRefused() throws {
        let path = try temporaryFile("secret", mode: 0o644)
        defer { unlink(path) }
        #expect(throws: ShipdeckError.self) { try KeyFile.checkPrivate(path, what: "key") }
        chmod(path, 0o600)
        try KeyFile.checkPrivate(path, what: "key")
    }

    @Test func aSecretFromAnUnsetVariableNamesTheVariableOnly() {
        do {
            _ = try SecretSource.environment("NOT_SET_ANYWHERE").load(environment: [:], what: "password")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("NOT_SET_ANYWHERE is not set"))
        }
    }

    @Test func nativeSignaturesVerifyAndAFlippedByteDoesNot() throws {
        let pair = NativeKeys.generatePEM()
        #expect(pair.privateKey.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(pair.publicKey.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let signer = try NativeP256Signer(
            config: SignerConfig(kind: .native), pem: Secret(pair.privateKey),
            publicKeyPEM: pair.publicKey)
        let file = URL(fileURLWithPath: try temporaryFile("release bytes\n", mode: 0o644))
        let signature = file.appendingPathExtension("sig")
        defer { try? FileManager.default.removeItem(at: file); try? FileManager.default.removeItem(at: signature) }
        try signer.sign(file, to: signature)
        try signer.verify(file, signature: signature)
        try Data("release bytes!\n".utf8).write(to: file)
        #expect(throws: ShipdeckError.self) { try signer.verify(file, signature: signature) }
    }

    @Test func aPublicKeyThatIsNotThePairIsRefused() {
        let a = NativeKeys.generatePEM(), b = NativeKeys.generatePEM()
        #expect(throws: ShipdeckError.self) {
            _ = try NativeP256Signer(
                config: SignerConfig(kind: .native), pem: Secret(a.privateKey), publicKeyPEM: b.publicKey)
        }
    }

    @Test func aDSSEEnvelopeVerifiesOnlyWithItsKey() throws {
        let pair = NativeKeys.generatePEM()
        let signer = try NativeP256Signer(
            config: SignerConfig(kind: .native), pem: Secret(pair.privateKey), publicKeyPEM: nil)
        let envelope = try DSSEEnvelope.sign(
            payload: Data("{}".utf8), type: DSSEEnvelope.inTotoPayloadType, with: signer)
        #expect(envelope.isSigned(by: signer.publicKey))
        #expect(!envelope.isSigned(by: P256.Signing.PrivateKey().publicKey))
        var tampered = envelope
        tampered.payload = Data("{\"x\":1}".utf8).base64EncodedString()
        #expect(!tampered.isSigned(by: signer.publicKey))
    }

    @Test func anAllowedSignersLineHasTheIdentityNamespaceAndKey() {
        let line = SSHSigner.allowedSignersLine(
            identity: "me@example.com", namespace: "file",
            publicKey: "ssh-ed25519 AAAAC3Nza comment here\n")
        #expect(line == "me@example.com namespaces=\"file\" ssh-ed25519 AAAAC3Nza\n")
    }

    @Test func aRecentUnixTimeInAnyUnitIsRecognisedAsABuildTime() {
        let now = Int(Date().timeIntervalSince1970)
        #expect(DifferingBytes.unixTime(String(now)) != nil)
        #expect(DifferingBytes.unixTime(String(now) + "123456789") != nil)
        #expect(DifferingBytes.unixTime("123456789012") == nil)
        #expect(DifferingBytes.unixTime("42") == nil)
        #expect(DifferingBytes.digitRun(in: "v1.2 built 1795594608432248839!") == "1795594608432248839")
    }

    @Test func theDifferingTextIsReadFromBothFiles() throws {
        let a = URL(fileURLWithPath: try temporaryFile("\u{1}\u{2}built=1111\u{0}tail", mode: 0o644))
        let b = URL(fileURLWithPath: try temporaryFile("\u{1}\u{2}built=2222\u{0}tail", mode: 0o644))
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        #expect(ReproducibilityCheck.firstDifference(a, b) == 8)
        #expect(DifferingBytes.printableRun(in: a, at: 8) == "built=1111")
        #expect(DifferingBytes.printableRun(in: b, at: 8) == "built=2222")
    }
}
