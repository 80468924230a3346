import Foundation

/// Reads the commits of a release from git: between the previous tag and this release's tag (or
/// HEAD when HEAD has no tag), as `git log --pretty=oneline --no-decorate --no-color` prints them.
package struct ChangelogSource: Sendable, Equatable {
    /// The tag this release is (nil: HEAD is not tagged).
    package var currentTag: String?
    /// The tag before it (nil: there is none, the log goes back to the first commit).
    package var previousTag: String?
    package var entries: [String]

    /// The git range the entries come from, for the step's detail (`v1.0.0..v1.1.0`).
    package var range: String {
        let current = currentTag ?? "HEAD"
        return previousTag.map { "\($0)..\(current)" } ?? current
    }

    package static func read(moduleDirectory: URL, currentTag: String?, environment: [String: String]) throws -> ChangelogSource {
        guard let git = ProcessRunner.which("git", path: environment["PATH"]) else {
            throw ShipdeckError(.git, "changelog: git is not on PATH", hint: "install git, or remove changelog: from the config")
        }
        func run(_ arguments: [String]) throws -> (ok: Bool, output: String) {
            let spec = ProcessSpec(executable: git, arguments: arguments, environment: environment,
                                   workingDirectory: moduleDirectory.path)
            let (result, output) = try ProcessRunner.capture(spec)
            return (result.succeeded, output)
        }
        guard try run(["rev-parse", "--verify", "-q", "HEAD"]).ok else {
            throw ShipdeckError(.git, "changelog: \(moduleDirectory.path) is not a git checkout with a commit",
                                hint: "release from a git clone, or remove changelog: from the config")
        }
        let current = currentTag.map { "tags/\($0)" } ?? "HEAD"
        // The nearest tag before this release: before the tag's commit, or reachable from HEAD.
        let describe = try run(["describe", "--tags", "--abbrev=0", currentTag != nil ? "\(current)^" : "HEAD"])
        let previous = describe.ok ? describe.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
        let range = previous.map { "tags/\($0)..\(current)" } ?? current
        let log = try run(["log", "--pretty=oneline", "--no-decorate", "--no-color", range, "--"])
        guard log.ok else {
            throw ShipdeckError(.git, "changelog: git log \(range) failed: \(UntrustedText.escape(String(log.output.suffix(200))))")
        }
        var entries = log.output.components(separatedBy: "\n")
        if let last = entries.last, last.trimmingCharacters(in: .whitespaces).isEmpty { entries.removeLast() }
        return ChangelogSource(currentTag: currentTag, previousTag: previous?.isEmpty == true ? nil : previous, entries: entries)
    }
}
