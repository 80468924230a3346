import Foundation

/// Any signing program (cosign, signify, a script) as a command template with `{artifact}` and
/// `{signature}` placeholders. Its secrets reach it only through the variables named in
/// `pass_env:`; what it prints is scrubbed of their values.
struct CommandSigner: Signer {
    let config: SignerConfig
    let environment: [String: String]
    /// The values passed through `pass_env`, scrubbed from output.
    let secrets: [Secret]

    func sign(_ file: URL, to signature: URL) throws {
        let output = try run(config.command, file: file, signature: signature)
        guard output.succeeded else { throw failure("\(config.command[0]) signing", file, output) }
        guard let size = (try? FileManager.default.attributesOfItem(atPath: signature.path))?[.size] as? Int, size > 0
        else {
            throw ShipdeckError(
                .signing, "\(origin): \(config.command[0]) wrote no signature at {signature}",
                hint: "the command must write the signature to the path given as {signature}")
        }
    }

    func verify(_ file: URL, signature: URL) throws {
        guard !config.verifyCommand.isEmpty else { return }
        let output = try run(config.verifyCommand, file: file, signature: signature)
        guard output.succeeded else { throw failure("\(config.verifyCommand[0]) verification of", file, output) }
    }

    private func run(_ template: [String], file: URL, signature: URL) throws -> SignerProcess.Output {
        let args = template.dropFirst().map {
            $0.replacingOccurrences(of: "{artifact}", with: file.path).replacingOccurrences(
                of: "{signature}", with: signature.path)
        }
        var output = try SignerProcess.run(
            template[0], Array(args), environment: environment,
            directory: file.deletingLastPathComponent().path)
        for secret in secrets { output.text = secret.scrub(output.text) }
        return output
    }
}
