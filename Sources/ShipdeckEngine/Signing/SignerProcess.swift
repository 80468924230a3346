import Foundation

/// Runs a signing or verifying tool through the one `ProcessRunner`: stdin carries the secret
/// (never argv or the environment) or a file, stdout and stderr are captured together, the
/// child runs in its own session with no terminal to prompt on and only the environment given,
/// and whatever it prints is scrubbed of the secret before anyone sees it. The stage's token
/// (`CancellationToken.current`) stops it: cancelling during signing takes effect at once.
enum SignerProcess {
    struct Output {
        var status: ProcessResult
        var text: String
        var succeeded: Bool { status.succeeded }
    }

    /// How long a signing tool may take before it is killed.
    static let timeout: TimeInterval = 120

    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String],
        directory: String = "/", input: Secret? = nil, stdinFile: String? = nil
    ) throws -> Output {
        let spec = ProcessSpec(
            executable: executable, arguments: arguments, environment: environment, workingDirectory: directory)
        let stdin: CommandInput = stdinFile.map { .file($0) } ?? input.map { .secret($0) } ?? .none
        var command = Command(spec, input: stdin, timeout: timeout)
        if stdinFile != nil, let input { command.secrets.append(input) }
        let out = try ProcessRunner().capture(command, limit: 1 << 20)
        var text = out.text
        if out.result.timedOut { text += "\n(killed after \(Int(timeout)) seconds)" }
        return Output(status: out.result, text: text)
    }

    /// The last few lines a tool printed, made safe to show: for error messages.
    static func tail(_ text: String, lines: Int = 4) -> String {
        let kept = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return kept.suffix(lines).map { UntrustedText.escape($0) }.joined(separator: " / ")
    }
}
