import Foundation

/// A way to make and check detached signatures with one key.
///
/// Implementations run the real tool (minisign, gpg, ssh-keygen, osslsigncode, a command) or,
/// for `native`, swift-crypto. Every failure is a `ShipdeckError` that names the signer and the
/// file and never contains the secret.
protocol Signer: Sendable {
    var config: SignerConfig { get }
    /// Writes a detached signature of `file` to `signature`.
    func sign(_ file: URL, to signature: URL) throws
    /// Verifies `signature` of `file` with the package key; throws when it does not verify.
    func verify(_ file: URL, signature: URL) throws
}

extension Signer {
    var name: String { config.displayName }

    /// Where this signer appears in the config, for messages.
    var origin: String { "signer \(config.displayName)" }

    func failure(_ action: String, _ file: URL, _ output: SignerProcess.Output, hint: String? = nil) -> ShipdeckError {
        let said = SignerProcess.tail(output.text)
        return ShipdeckError(
            .signing,
            "\(origin): \(action) \(file.lastPathComponent) failed (\(output.status.summary))"
                + (said.isEmpty ? "" : ": \(said)"), hint: hint)
    }
}
