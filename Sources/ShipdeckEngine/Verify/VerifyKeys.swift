import Foundation

/// The public keys `shipdeck verify` checks signatures with. A signature whose kind has no key
/// here is reported SKIPPED, and what it would have covered is UNSIGNED unless another covers it.
public struct VerifyKeys: Sendable {
    /// minisign public key file (`minisign -V -p`).
    public var minisign: String?
    /// ssh allowed-signers file and the identity to check against.
    public var sshAllowedSigners: String?
    public var sshIdentity: String?
    public var sshNamespace = "file"
    /// PEM P-256 public key for native signatures and the provenance envelope.
    public var native: String?
    /// A public key export (armored or binary) imported into a throwaway GNUPGHOME.
    public var gpgKeyring: String?
    /// A GNUPGHOME to verify with (default: $GNUPGHOME or ~/.gnupg).
    public var gpgHome: String?
    /// CA certificate for Authenticode signatures inside .exe files.
    public var authenticodeCA: String?

    public init() {}
}
