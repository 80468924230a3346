import Foundation

/// Signs with the real `gpg --detach-sign --armor` (batch, loopback pinentry, the passphrase on
/// fd 0) and checks with `gpg --verify` against the same keyring.
struct GPGSigner: Signer {
    let config: SignerConfig
    let program: String
    let user: String
    let password: Secret?
    let environment: [String: String]

    func sign(_ file: URL, to signature: URL) throws {
        var args = ["--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback"]
        if password != nil { args += ["--passphrase-fd", "0"] }
        args += ["--local-user", user, "--detach-sign", "--armor", "-o", signature.path, file.path]
        let output = try SignerProcess.run(program, args, environment: environment, input: password)
        guard output.succeeded else {
            var hint: String?
            if output.text.contains("Bad passphrase") || output.text.contains("bad passphrase") {
                hint =
                    config.passwordEnv.map { "check the passphrase in $\($0)" }
                    ?? "name the variable that holds the passphrase with password_env:"
            } else if output.text.contains("No secret key") || output.text.contains("secret key not available")
                || output.text.contains("skipped")
            {
                hint =
                    "user: \(user) has no secret key in \(environment["GNUPGHOME"] ?? "~/.gnupg"); `gpg --list-secret-keys` lists them"
            }
            throw failure("gpg signing", file, output, hint: hint)
        }
    }

    func verify(_ file: URL, signature: URL) throws {
        let output = try SignerProcess.run(
            program, ["--batch", "--no-tty", "--verify", signature.path, file.path],
            environment: environment)
        guard output.succeeded else { throw failure("gpg --verify of", file, output) }
    }
}
