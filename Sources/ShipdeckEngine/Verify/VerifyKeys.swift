import Foundation

/// The package keys `shipdeck verify` checks signatures with. A signature whose kind has no key
/// here is reported SKIPPED, and what it would have covered is UNSIGNED unless another covers it.
package struct VerifyKeys: Sendable {
    /// minisign package key file (`minisign -V -p`).
    package var minisign: String?
    /// ssh allowed-signers file and the identity to check against.
    package var sshAllowedSigners: String?
    package var sshIdentity: String?
    package var sshNamespace = "file"
    /// PEM P-256 package key for native signatures and the provenance envelope.
    package var native: String?
    /// A package key export (armored or binary) imported into a throwaway GNUPGHOME.
    package var gpgKeyring: String?
    /// A GNUPGHOME to verify with (default: $GNUPGHOME or ~/.gnupg).
    package var gpgHome: String?
    /// CA certificate for Authenticode signatures inside .exe files.
    package var authenticodeCA: String?

    package init() {}
}
