import Foundation

/// The one error type the engine throws to users. Its message names the problem and the fix;
/// the CLI prints it as it is, without internal words.
public struct ShipdeckError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case config, toolchain, target, dist, git, process, io, signing, journal, verify, usage, template, publish
    }

    public var code: Code
    public var message: String
    /// How to fix it, when there is something to say.
    public var hint: String?

    public init(_ code: Code, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String {
        hint.map { "\(message)\n  hint: \($0)" } ?? message
    }
}
