import Crypto
import Foundation

/// ECDSA P-256 with swift-crypto, in the format cosign and openssl speak: the signature file is
/// base64 of the DER signature over SHA-256 of the file; the package key is a PEM SPKI.
///
///     openssl dgst -sha256 -verify pub.pem -signature <(base64 -d f.sig) f
///     cosign verify-blob --key pub.pem --signature f.sig --insecure-ignore-tlog f
// `@unchecked`: no lock is needed. Every field is an immutable `let`; swift-crypto's P256 key types
// are value types that hold no shared mutable state but are not yet declared Sendable.
struct NativeP256Signer: Signer, @unchecked Sendable {
    let config: SignerConfig
    let privateKey: P256.Signing.PrivateKey
    let publicKey: P256.Signing.PublicKey

    init(config: SignerConfig, pem: Secret, publicKeyPEM: String?) throws {
        self.config = config
        do {
            privateKey = try P256.Signing.PrivateKey(pemRepresentation: pem.reveal())
        } catch {
            if pem.reveal().contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
                throw ShipdeckError(
                    .signing,
                    "signer \(config.displayName): the key is an encrypted (password-protected) PKCS#8 key; "
                        + "native signers read unencrypted keys only",
                    hint: "decrypt it once (`openssl pkcs8 -in enc.key -out shipdeck.key`, kept private), "
                        + "or make one with `shipdeck keygen`")
            }
            throw ShipdeckError(
                .signing, "signer \(config.displayName): the key is not a PEM ECDSA P-256 private key",
                hint:
                    "make one with `shipdeck keygen`, or `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`"
            )
        }
        if let publicKeyPEM {
            guard let given = try? P256.Signing.PublicKey(pemRepresentation: publicKeyPEM) else {
                throw ShipdeckError(.signing, "signer \(config.displayName): public_key is not a PEM P-256 package key")
            }
            guard given.derRepresentation == privateKey.publicKey.derRepresentation else {
                throw ShipdeckError(
                    .signing, "signer \(config.displayName): public_key is not the pair of the private key",
                    hint: "`shipdeck keygen` writes a matching pair; or drop public_key: to use the key's own")
            }
            publicKey = given
        } else {
            publicKey = privateKey.publicKey
        }
    }

    func sign(_ file: URL, to signature: URL) throws {
        let digest = try Self.digest(of: file)
        let der = try privateKey.signature(for: digest).derRepresentation
        try Data(der.base64EncodedString().utf8).write(to: signature)
    }

    func verify(_ file: URL, signature: URL) throws {
        let text = try String(contentsOf: signature, encoding: .utf8)
        guard Self.isValid(signatureBase64: text, digest: try Self.digest(of: file), publicKey: publicKey) else {
            throw ShipdeckError(.signing, "\(origin): the P-256 signature of \(file.lastPathComponent) does not verify")
        }
    }

    /// Signs bytes (a DSSE pre-authentication encoding); returns the DER signature.
    func signBytes(_ data: Data) throws -> Data {
        try privateKey.signature(for: SHA256.hash(data: data)).derRepresentation
    }

    static func isValid(signatureBase64: String, digest: SHA256Digest, publicKey: P256.Signing.PublicKey) -> Bool {
        let trimmed = signatureBase64.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let der = Data(base64Encoded: trimmed),
            let sig = try? P256.Signing.ECDSASignature(derRepresentation: der)
        else { return false }
        return publicKey.isValidSignature(sig, for: digest)
    }

    /// SHA-256 of a file, read in 1 MiB pieces.
    static func digest(of file: URL) throws -> SHA256Digest {
        guard let handle = try? FileHandle(forReadingFrom: file) else {
            throw ShipdeckError(.io, "cannot open \(file.path) to sign it")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize()
    }

    /// A new key pair as PEM: PKCS#8 private key and SPKI package key (what `shipdeck keygen` writes).
    static func generatePEM() -> (privateKey: String, publicKey: String) {
        let key = P256.Signing.PrivateKey()
        return (key.pemRepresentation + "\n", key.publicKey.pemRepresentation + "\n")
    }
}
