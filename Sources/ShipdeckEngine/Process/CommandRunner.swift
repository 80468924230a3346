import Foundation

// # Running a child process: one runner for everything
//
// Every process Shipdeck starts (go, zig, signers, verifiers, smoke tests, git, publish tools,
// hooks) goes through a `CommandRunner`. The real one is `ProcessRunner`; unit tests of pure
// scheduling logic pass a fake (see Tests/ShipdeckEngineTests/FakeCommandRunner.swift). No other
// file under Sources/ may spawn a process (a test greps for it).
//
//     let runner: any CommandRunner = ProcessRunner()
//     let spec = ProcessSpec(executable: "git", arguments: ["tag", "--list"],
//                            environment: env,                 // explicit: nothing is inherited
//                            workingDirectory: repo.path)
//
//     // Short commands: output (stdout and stderr merged) collected, bounded.
//     let out = try runner.capture(Command(spec, timeout: 30))
//     guard out.result.succeeded else {
//         throw ShipdeckError(.process, "git tag failed (\(out.result.summary)): \(out.tail())")
//     }
//
//     // Long commands: stream to a log file (`raw`) and to events (`lines`), cancellable.
//     let result = try runner.run(Command(spec, cancellation: token),
//                                 raw: { bytes in log.write(bytes) },
//                                 lines: { lines in hub.emit(.log(...)) })
//
//     // stdin: bytes, a file, or a secret (a secret is also scrubbed from everything printed).
//     var command = Command(spec, input: .secret(password))
//     command.secrets.append(token)     // more values to scrub (tokens passed in the environment)
//
// What the runner guarantees:
// - The child runs in its own session and process group with no controlling terminal, stdin
//   /dev/null unless `input` says otherwise, stdout+stderr on one pipe, no other descriptor.
// - `run` returns only once the leader has exited and been reaped; whatever it left running in
//   its group is killed at once (stragglers), however much they print.
// - `cancellation` (or, when nil, `CancellationToken.current` — the token of the stage running
//   on this thread) and `timeout` stop the whole tree: SIGTERM, then SIGKILL after
//   `CancellationToken.killGrace`. Signals go only to a group whose leader is not yet reaped, so
//   a reused process-group id is never hit.
// - If Shipdeck itself dies (even `kill -9`), `ProcessSupervisor` stops every tree still running.
// - The callbacks run on the calling thread, in order, before `run` returns.

/// What a child reads on stdin.
package enum CommandInput: Sendable {
    /// /dev/null.
    case none
    /// These bytes, then end-of-file.
    case bytes([UInt8])
    /// The secret and a newline, then end-of-file; the secret is scrubbed from the output too.
    case secret(Secret)
    /// The contents of this file.
    case file(String)
}

/// One child to run: what (`spec`), with which stdin, for how long at most, cancelled by what.
package struct Command: Sendable {
    package var spec: ProcessSpec
    package var input: CommandInput
    /// Seconds the child may run; past it the tree is stopped and the result says `timedOut`.
    package var timeout: TimeInterval?
    /// Stops the tree when cancelled. Nil: `CancellationToken.current`, if any.
    package var cancellation: CancellationToken?
    /// Values replaced by `<secret>` in everything the callbacks see (a `.secret` input is added).
    package var secrets: [Secret]

    package init(_ spec: ProcessSpec, input: CommandInput = .none, timeout: TimeInterval? = nil,
                 cancellation: CancellationToken? = nil, secrets: [Secret] = []) {
        self.spec = spec
        self.input = input
        self.timeout = timeout
        self.cancellation = cancellation
        self.secrets = secrets
        if case .secret(let secret) = input { self.secrets.append(secret) }
    }

    /// The token that stops this command: its own, or the one of the stage running on this thread.
    package var effectiveCancellation: CancellationToken? { cancellation ?? CancellationToken.current }
}

/// Runs commands to the end on the calling thread (ninja's `CommandRunner`, as it were).
package protocol CommandRunner: Sendable {
    /// Runs `command` until its leader exits and is reaped.
    /// - Parameters:
    ///   - raw: every chunk of output as read (already scrubbed of `command.secrets`, then in whole lines).
    ///   - lines: the complete lines of each chunk (invalid UTF-8 repaired, a trailing CR dropped).
    /// - Throws: `ShipdeckError(.process)` when the child cannot be started (not found, not executable).
    func run(_ command: Command, raw: ((UnsafeRawBufferPointer) -> Void)?, lines: (([String]) -> Void)?) throws
        -> ProcessResult
}

/// A finished command's status and what it printed.
package struct CapturedOutput: Sendable {
    package var result: ProcessResult
    /// stdout and stderr merged, as printed (at most the capture limit; see `truncated`).
    package var text: String
    /// Whether output beyond the limit was dropped.
    package var truncated: Bool

    package var succeeded: Bool { result.succeeded }

    /// The last few non-empty lines, escaped for a terminal: for error messages.
    package func tail(_ count: Int = 4) -> String {
        let kept = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return kept.suffix(count).map { UntrustedText.escape($0) }.joined(separator: " / ")
    }
}

extension CommandRunner {
    /// Runs `command` without looking at its output.
    package func run(_ command: Command) throws -> ProcessResult { try run(command, raw: nil, lines: nil) }

    /// Runs `command` and collects its output, keeping at most `limit` bytes (the child keeps
    /// running to the end; only the excess is dropped).
    package func capture(_ command: Command, limit: Int = 8 << 20) throws -> CapturedOutput {
        var data = Data()
        var truncated = false
        let result = try run(
            command,
            raw: { bytes in
                let room = limit - data.count
                if bytes.count <= room {
                    data.append(contentsOf: bytes)
                } else {
                    if room > 0 { data.append(contentsOf: bytes.prefix(room)) }
                    truncated = true
                }
            }, lines: nil)
        return CapturedOutput(result: result, text: String(decoding: data, as: UTF8.self), truncated: truncated)
    }
}
