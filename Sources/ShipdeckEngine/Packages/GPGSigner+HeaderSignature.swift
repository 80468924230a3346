import Foundation

extension GPGSigner {
    /// A detached, binary (not armored) OpenPGP signature of `bytes` with SHA-256: what rpm keeps
    /// as the header signature (RPMSIGTAG_RSA / RPMSIGTAG_DSA) and `rpm -K` checks against the
    /// keys `rpm --import` added. Same batch/loopback invocation and passphrase on fd 0 as `sign`.
    func headerSignature(of bytes: [UInt8], in directory: URL) throws -> [UInt8] {
        let input = directory.appendingPathComponent("rpm-header.bin")
        let output = directory.appendingPathComponent("rpm-header.sig")
        try Data(bytes).write(to: input)
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        var args = ["--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback"]
        if password != nil { args += ["--passphrase-fd", "0"] }
        args += ["--local-user", user, "--digest-algo", "SHA256", "--detach-sign", "-o", output.path, input.path]
        let result = try SignatureMaker.toolLock.withLock {
            try SignerProcess.run(program, args, environment: environment, input: password)
        }
        guard result.succeeded else { throw failure("gpg signing of the rpm header of", input, result) }
        try verify(input, signature: output)
        return [UInt8](try Data(contentsOf: output))
    }
}
