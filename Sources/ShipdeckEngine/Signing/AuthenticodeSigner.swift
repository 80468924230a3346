import Foundation

/// Embeds an Authenticode signature in a Windows executable with Debian's `osslsigncode` (the
/// Linux counterpart of signtool), and checks it with `osslsigncode verify` against the CA.
/// The signing time is SOURCE_DATE_EPOCH, so the signed file is reproducible.
struct AuthenticodeSigner: Sendable {
    let config: SignerConfig
    let program: String
    let certificate: String
    let key: String
    let caFile: String
    let password: Secret?
    let environment: [String: String]

    var origin: String { "signer \(config.displayName)" }

    /// Writes a signed copy of `executable` to `output`.
    func sign(_ executable: URL, to output: URL, description: String, epoch: Int64) throws {
        var args = ["sign", "-certs", certificate, "-key", key]
        // osslsigncode opens the -readpass path itself. The runner's stdin is a socket, which Linux
        // cannot open again through /dev/stdin (ENXIO), so the password is a file in a directory only
        // this user can enter, removed right after; it never reaches argv or the environment.
        var passwordFile: PrivateDirectory?
        if let password {
            let dir = try PrivateDirectory.make()
            passwordFile = dir
            let file = dir.url.appendingPathComponent("password")
            guard FileManager.default.createFile(
                atPath: file.path, contents: Data(password.reveal().utf8), attributes: [.posixPermissions: 0o600])
            else {
                dir.remove()
                throw ShipdeckError(.signing, "\(origin): cannot write the key password for osslsigncode in \(dir.url.path)")
            }
            args += ["-readpass", file.path]
        }
        defer { passwordFile?.remove() }
        args += [
            "-h", "sha256", "-n", description, "-time", String(epoch), "-in", executable.path, "-out", output.path,
        ]
        try? FileManager.default.removeItem(at: output)
        var result = try SignerProcess.run(program, args, environment: environment)
        if let password { result.text = password.scrub(result.text) }
        guard result.succeeded else {
            let said = SignerProcess.tail(result.text)
            throw ShipdeckError(
                .signing,
                "\(origin): osslsigncode sign of \(executable.lastPathComponent) failed (\(result.status.summary))"
                    + (said.isEmpty ? "" : ": \(said)"),
                hint: config.passwordEnv.map { "check the key password in $\($0) and that certificate and key match" }
                    ?? "check that certificate and key match; an encrypted key needs password_env:")
        }
    }

    func verify(_ executable: URL) throws {
        let result = try SignerProcess.run(
            program, ["verify", "-in", executable.path, "-CAfile", caFile],
            environment: environment)
        guard result.succeeded else {
            let said = SignerProcess.tail(result.text)
            throw ShipdeckError(
                .signing,
                "\(origin): osslsigncode verify of \(executable.lastPathComponent) failed"
                    + (said.isEmpty ? "" : ": \(said)"),
                hint: "ca: must name the CA certificate that issued certificate:")
        }
    }
}
