import Crypto
import Foundation

/// A DSSE envelope (github.com/secure-systems-lab/dsse): a payload, its type, and signatures over
/// the pre-authentication encoding `DSSEv1 SP len(type) SP type SP len(body) SP body`.
package struct DSSEEnvelope: Codable, Sendable, Equatable {
    package struct Signature: Codable, Sendable, Equatable {
        package var keyid: String
        package var sig: String
    }

    package static let inTotoPayloadType = "application/vnd.in-toto+json"

    package var payloadType: String
    /// Base64 of the payload bytes.
    package var payload: String
    package var signatures: [Signature]

    /// The bytes a DSSE signature covers.
    package static func preAuthenticationEncoding(type: String, body: Data) -> Data {
        var out = Data("DSSEv1 \(Data(type.utf8).count) \(type) \(body.count) ".utf8)
        out.append(body)
        return out
    }

    package var payloadData: Data? { Data(base64Encoded: payload) }

    /// The key id Shipdeck gives a P-256 key: hex SHA-256 of its DER SPKI.
    package static func keyID(_ key: P256.Signing.PublicKey) -> String {
        FileDigest.sha256(data: key.derRepresentation)
    }

    static func sign(payload: Data, type: String, with signer: NativeP256Signer) throws -> DSSEEnvelope {
        let signature = try signer.signBytes(preAuthenticationEncoding(type: type, body: payload))
        return DSSEEnvelope(
            payloadType: type, payload: payload.base64EncodedString(),
            signatures: [Signature(keyid: keyID(signer.publicKey), sig: signature.base64EncodedString())])
    }

    /// True when at least one signature verifies with `key`.
    package func isSigned(by key: P256.Signing.PublicKey) -> Bool {
        guard let body = payloadData else { return false }
        let digest = SHA256.hash(data: Self.preAuthenticationEncoding(type: payloadType, body: body))
        return signatures.contains { NativeP256Signer.isValid(signatureBase64: $0.sig, digest: digest, publicKey: key) }
    }

    package func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
