import ArgumentParser
import Foundation
import ShipdeckEngine

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a release folder: every hash, every signature, the provenance.",
        discussion: """
            Recomputes the sha256 of every file checksums.txt and artifacts.json list and checks \
            each signature with the public keys given. Prints OK, MISMATCH, MISSING, UNSIGNED (or \
            SKIPPED for a signature without a key) per file and exits 1 on any problem. The folder \
            may have been copied anywhere.
            """)

    @Argument(help: "The release folder (default: dist).")
    var dist: String = "dist"

    @Option(name: .customLong("minisign-key"), help: "minisign public key file.")
    var minisignKey: String?

    @Option(name: .customLong("ssh-allowed-signers"), help: "ssh allowed_signers file.")
    var sshAllowedSigners: String?

    @Option(name: .customLong("ssh-identity"), help: "The principal in the allowed_signers file.")
    var sshIdentity: String?

    @Option(name: .customLong("ssh-namespace"), help: "The ssh signature namespace (default: file).")
    var sshNamespace = "file"

    @Option(
        name: .customLong("pubkey"),
        help: "PEM P-256 public key (`shipdeck keygen`) for native signatures and provenance.")
    var pubkey: String?

    @Option(name: .customLong("gpg-keyring"), help: "A gpg public key export, imported into a throwaway GNUPGHOME.")
    var gpgKeyring: String?

    @Option(name: .customLong("gpg-home"), help: "A GNUPGHOME to verify gpg signatures with (default: $GNUPGHOME).")
    var gpgHome: String?

    @Option(
        name: .customLong("authenticode-ca"), help: "CA certificate to check Authenticode signatures in .exe files.")
    var authenticodeCA: String?

    @Option(name: .customLong("checksums"), help: "The checksums file name when artifacts.json does not say.")
    var checksums: String?

    @Flag(name: .customLong("allow-unsigned"), help: "Do not count files without a verified signature as problems.")
    var allowUnsigned = false

    func run() throws {
        var keys = VerifyKeys()
        keys.minisign = minisignKey
        keys.sshAllowedSigners = sshAllowedSigners
        keys.sshIdentity = sshIdentity
        keys.sshNamespace = sshNamespace
        keys.native = pubkey
        keys.gpgKeyring = gpgKeyring
        keys.gpgHome = gpgHome
        keys.authenticodeCA = authenticodeCA
        var verifier = ReleaseVerifier(dist: URL(fileURLWithPath: dist), keys: keys)
        verifier.checksumsName = checksums
        verifier.allowUnsigned = allowUnsigned
        let report: VerifyReport = try verifier.verify()
        if !report.text.isEmpty { emitLine(report.text) }
        let problems = report.problems
        if report.lines.isEmpty {
            emitLine("verify: \(UntrustedText.escape(dist)) holds no release (no checksums.txt, no artifacts.json)")
            throw ExitCode(ExitStatus.failed)
        }
        if problems.isEmpty {
            emitLine("verify: \(report.lines.filter { $0.status == .ok }.count) files OK")
        } else {
            let counts = Dictionary(grouping: problems, by: \.status).map { "\($0.value.count) \($0.key.rawValue)" }
                .sorted()
            emitLine(
                "verify: FAILED: \(counts.joined(separator: ", ")): "
                    + problems.map { UntrustedText.escape($0.file) }.joined(separator: ", "))
            throw ExitCode(ExitStatus.failed)
        }
    }
}
