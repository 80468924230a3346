import Foundation

/// Signs with the real `minisign -S` and checks with `minisign -V`. The password, when the key
/// has one, is written to minisign's stdin (minisign reads it from there when stdin is no tty).
struct MinisignSigner: Signer {
    let config: SignerConfig
    let program: String
    let secretKey: String
    let publicKey: String
    let password: Secret?
    let environment: [String: String]

    func sign(_ file: URL, to signature: URL) throws {
        let comment = "file:\(file.lastPathComponent)\tsigned by shipdeck \(Shipdeck.version)"
        let output = try SignerProcess.run(
            program,
            [
                "-S", "-s", secretKey, "-m", file.path, "-x", signature.path,
                "-t", comment,
            ],
            environment: environment, input: password)
        guard output.succeeded else {
            if output.text.contains("Wrong password") {
                throw ShipdeckError(
                    .signing, "\(origin): minisign signing failed: wrong password for the key \(secretKey)",
                    hint: config.passwordEnv.map { "check the password in $\($0)" }
                        ?? "the key has a password: name the variable that holds it with password_env:")
            }
            throw failure("minisign signing", file, output)
        }
    }

    func verify(_ file: URL, signature: URL) throws {
        let output = try SignerProcess.run(
            program, ["-V", "-q", "-p", publicKey, "-m", file.path, "-x", signature.path],
            environment: environment)
        guard output.succeeded else {
            throw failure(
                "minisign -V of", file, output, hint: "is public_key (\(publicKey)) the pair of key (\(secretKey))?")
        }
    }
}
