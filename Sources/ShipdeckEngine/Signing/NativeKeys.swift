import Foundation

/// Key material for the native signer, for `shipdeck keygen`.
package enum NativeKeys {
    /// A new ECDSA P-256 key pair as PEM: PKCS#8 private key, SPKI package key.
    package static func generatePEM() -> (privateKey: String, publicKey: String) { NativeP256Signer.generatePEM() }
}
