import ArgumentParser
import Foundation
import ShipdeckEngine

/// Every exit status Shipdeck ends with is decided here. Commands throw; `ShipdeckCommand.main`
/// maps what reaches it once, so `defer`s run and the terminal and dist/ lock are given back first.
///
/// - 0: the release (or check, verify, hash) succeeded.
/// - 1: it ran and failed: a failed or cancelled release, a release or merge whose journal could
///   not be written, a verify or check that found problems.
/// - 2: bad input or setup, found before anything was built or uploaded (a `ShipdeckError`).
/// - 64: a usage error of the command line (swift-argument-parser's).
/// - 128 + N: ended by signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP, 141 SIGPIPE).
enum ExitStatus {
    static let succeeded: Int32 = 0
    static let failed: Int32 = 1
    static let badInput: Int32 = 2

    /// The status of a run that ended with `outcome`; `signal` is the signal that interrupted it.
    static func of(_ outcome: ReleaseOutcome, signal: Int32? = nil) -> Int32 {
        switch outcome {
        case .succeeded: return succeeded
        case .failed, .cancelled: return failed
        case .interrupted: return 128 + (signal ?? SIGINT)
        }
    }

    /// Prints an error that reached the top the way users should see it and returns its status.
    /// swift-argument-parser's own errors (`ExitCode`, `CleanExit`, `ValidationError`) are not
    /// passed here: `main` lets the parser report them.
    static func report(_ error: Error) -> Int32 {
        let text = (error as? ShipdeckError)?.description ?? "\(error)"
        FileHandle.standardError.write(Data("shipdeck: error: \(UntrustedText.escapeMultiline(text))\n".utf8))
        return badInput
    }

    /// Whether swift-argument-parser reports `error` itself (usage errors, `--help`, `ExitCode`).
    /// `--help`, `-h` and `help` reach `run()` as the parser's own HelpCommand, which throws a type
    /// the parser keeps internal (CommandError), so its errors are known by the module they come from.
    static func isParserError(_ error: Error) -> Bool {
        error is ExitCode || error is CleanExit || error is ValidationError
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}

extension UntrustedText {
    /// Escapes each line of a multi-line message.
    static func escapeMultiline(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "\n")
    }
}
