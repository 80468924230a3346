import Foundation

/// What GoReleaser's templates read from git beyond `SourceInfo`: branch, previous and latest tag,
/// dirty state, `git describe` summary, remote URL, abbreviated commit. Read once when the config
/// is loaded (`GoReleaserImport.load`); empty outside a git checkout.
package struct GoReleaserGitFacts: Sendable, Equatable {
    package var branch = ""
    /// The newest tag reachable from HEAD (`git describe --tags --abbrev=0`), even when not at HEAD.
    package var latestTag: String?
    package var previousTag = ""
    package var dirty = false
    package var summary = ""
    package var url = ""
    /// `git show --format=%h`.
    package var shortCommit: String?

    package init() {}

    package static func read(directory: String, environment: [String: String]) -> GoReleaserGitFacts {
        var facts = GoReleaserGitFacts()
        guard let git = ProcessRunner.which("git", path: environment["PATH"]) else { return facts }
        func run(_ args: [String]) -> String? {
            let spec = ProcessSpec(executable: git, arguments: args, environment: environment, workingDirectory: directory)
            guard let (result, output) = try? ProcessRunner.capture(spec), result.succeeded else { return nil }
            return output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard run(["rev-parse", "HEAD"]) != nil else { return facts }
        facts.branch = run(["rev-parse", "--abbrev-ref", "HEAD", "--quiet"]) ?? ""
        facts.shortCommit = run(["show", "--format=%h", "HEAD", "--quiet"]).flatMap { $0.isEmpty ? nil : $0 }
        facts.dirty = !(run(["status", "--porcelain"]) ?? "").isEmpty
        facts.summary = run(["describe", "--always", "--dirty", "--tags"]) ?? ""
        var url = run(["config", "--get", "remote.origin.url"]) ?? ""
        // GoReleaser drops credentials from an https remote.
        if url.hasPrefix("https://"), let at = url.firstIndex(of: "@"),
            !url[url.index(url.startIndex, offsetBy: 8)..<at].contains("/")
        {
            url = "https://" + url[url.index(after: at)...]
        }
        facts.url = url
        if let latest = run(["describe", "--tags", "--abbrev=0", "HEAD"]), !latest.isEmpty {
            facts.latestTag = latest
            if let previous = run(["describe", "--tags", "--abbrev=0", "\(latest)^"]), !previous.isEmpty {
                facts.previousTag = previous
            }
        }
        return facts
    }
}
