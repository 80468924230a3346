import Foundation

/// One entry of `signers:` in shipdeck.yml: which tool signs, what it signs, where its secret is.
///
/// Secrets are named, never written: `key:` is a file path, `password_env:`/`key_env:` are
/// environment variable names. A literal `password:` in the config is an error.
package struct SignerConfig: Sendable, Hashable {
    package enum Kind: String, Sendable, CaseIterable {
        case minisign, gpg, ssh, native, command, authenticode
    }

    /// What a signer signs: the checksums file (default) or every binary and archive.
    package enum Scope: String, Sendable, CaseIterable {
        case checksums, artifacts
    }

    package var kind: Kind
    /// Shown in events and the signing pane; defaults to the kind.
    package var name: String?
    package var scope: Scope = .checksums
    /// Secret key file (minisign, ssh, native, authenticode).
    package var key: String?
    /// Environment variable holding the key itself (native: a PEM).
    package var keyEnv: String?
    /// Environment variable holding the key's password.
    package var passwordEnv: String?
    /// Public key used to verify each signature right after making it.
    package var publicKey: String?
    /// gpg `--local-user`.
    package var user: String?
    /// gpg home directory (default: $GNUPGHOME or ~/.gnupg).
    package var gnupgHome: String?
    /// ssh principal for the allowed-signers line used in self-verification.
    package var identity: String?
    /// ssh signature namespace.
    package var namespace = "file"
    /// Command signer: argv with `{artifact}` and `{signature}` placeholders.
    package var command: [String] = []
    /// Command signer: optional verification argv, same placeholders.
    package var verifyCommand: [String] = []
    /// Command signer: names of environment variables the program receives (COSIGN_PASSWORD).
    package var passEnvironment: [String] = []
    /// Authenticode certificate (PEM), and the CA that verifies it.
    package var certificate: String?
    package var caFile: String?
    /// Signature file suffix; defaults per kind (`.minisig`, `.asc`, `.sig`).
    package var suffix: String?
    /// A `command:` signer whose program is not installed is skipped with a warning instead of
    /// failing the release (`optional: true`); by default a missing tool is an error.
    package var optional = false
    /// Source line, for errors about this entry.
    package var line: Int?

    package init(kind: Kind) { self.kind = kind }

    package var displayName: String { name ?? kind.rawValue }

    /// `minisign: checksums`, as ReleaseInfo.signers lists it.
    package var summary: String {
        if kind == .authenticode { return "\(displayName): windows executables (embedded)" }
        return "\(displayName): \(scope.rawValue)"
    }

    /// The suffix appended to a signed file's name.
    package var signatureSuffix: String {
        if let suffix { return suffix.hasPrefix(".") ? suffix : "." + suffix }
        switch kind {
        case .minisign: return ".minisig"
        case .gpg: return ".asc"
        case .ssh, .native, .command: return ".sig"
        case .authenticode: return ""
        }
    }
}
