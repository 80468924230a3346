import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Signs with the real `ssh-keygen -Y sign` and checks with `ssh-keygen -Y verify` against an
/// allowed-signers line made from the package key.
///
/// ssh-keygen asks for a passphrase through SSH_ASKPASS only; the askpass program Shipdeck gives
/// it reads the passphrase from its stdin, which it inherits from ssh-keygen, which gets it from
/// Shipdeck's pipe. So the passphrase is in no file, argv or environment.
struct SSHSigner: Signer {
    let config: SignerConfig
    let program: String
    let privateKey: String
    let publicKey: String
    let identity: String
    let password: Secret?
    let environment: [String: String]

    func sign(_ file: URL, to signature: URL) throws {
        // ssh-keygen writes FILE.sig beside FILE: sign a link in a private folder instead.
        let work = try PrivateDirectory.make()
        defer { work.remove() }
        let link = work.url.appendingPathComponent(file.lastPathComponent)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        var env = environment
        if password != nil {
            let askpass = work.url.appendingPathComponent("askpass")
            try Data("#!/bin/sh\nIFS= read -r p\nprintf '%s\\n' \"$p\"\n".utf8).write(to: askpass)
            chmod(askpass.path, 0o700)
            env["SSH_ASKPASS"] = askpass.path
            env["SSH_ASKPASS_REQUIRE"] = "force"
        }
        let output = try SignerProcess.run(
            program, ["-Y", "sign", "-f", privateKey, "-n", config.namespace, link.path],
            environment: env, directory: work.url.path, input: password)
        let produced = URL(fileURLWithPath: link.path + ".sig")
        guard output.succeeded, FileManager.default.fileExists(atPath: produced.path) else {
            var hint: String?
            if output.text.contains("passphrase") {
                hint =
                    config.passwordEnv.map { "check the passphrase in $\($0)" }
                    ?? "the key has a passphrase: name the variable that holds it with password_env:"
            }
            throw failure("ssh-keygen -Y sign of", file, output, hint: hint)
        }
        try? FileManager.default.removeItem(at: signature)
        try FileManager.default.moveItem(at: produced, to: signature)
    }

    func verify(_ file: URL, signature: URL) throws {
        let work = try PrivateDirectory.make()
        defer { work.remove() }
        let allowed = work.url.appendingPathComponent("allowed_signers")
        try Data(
            Self.allowedSignersLine(
                identity: identity, namespace: config.namespace,
                publicKey: try String(contentsOfFile: publicKey, encoding: .utf8)
            ).utf8
        )
        .write(to: allowed)
        let output = try SignerProcess.run(
            program,
            [
                "-Y", "verify", "-f", allowed.path, "-I", identity,
                "-n", config.namespace, "-s", signature.path,
            ],
            environment: environment, stdinFile: file.path)
        guard output.succeeded else {
            throw failure(
                "ssh-keygen -Y verify of", file, output,
                hint: "is public_key (\(publicKey)) the pair of key (\(privateKey))?")
        }
    }

    /// `identity namespaces="file" ssh-ed25519 AAAA…`
    static func allowedSignersLine(identity: String, namespace: String, publicKey: String) -> String {
        let fields = publicKey.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let key = fields.prefix(2).joined(separator: " ")
        return "\(identity) namespaces=\"\(namespace)\" \(key)\n"
    }
}
