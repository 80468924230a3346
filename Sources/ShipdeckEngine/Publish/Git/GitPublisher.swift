import Foundation

/// Commits generated files (a Homebrew formula, a Scoop manifest) to a tap or bucket git
/// repository and pushes them. A push that is rejected because someone pushed first is fetched,
/// rebased and retried; a file that already has the content is not committed again, so running
/// it twice (or resuming) makes one commit.
///
/// Every git command runs through the engine's process runner with an explicit environment:
/// no prompt (`GIT_TERMINAL_PROMPT=0`), C locale, the user's SSH agent and keys, and — only when
/// `token_env` is configured — the token as an HTTP header for the repository's host, in the
/// environment of git alone (never in an argument, a log line or an error).
package struct GitPublisher: Sendable {
    /// How a publish ended.
    package enum Outcome: Sendable, Equatable {
        /// Pushed as this commit, after this many rejected pushes.
        case pushed(commit: String, retries: Int)
        /// The files at the branch's tip already had this content: nothing to commit.
        case unchanged(commit: String)
    }

    /// Runs one git command; `ProcessRunner.capture` in production.
    package typealias Run = @Sendable (ProcessSpec) throws -> (result: ProcessResult, output: String)

    package let repository: TapConfig.Repository
    /// Where git's clone lives while publishing (emptied first, removed after).
    package let workDirectory: URL
    /// The parent environment: PATH, HOME, SSH agent and the token variable come from it.
    package let environment: [String: String]
    package let git: String
    package let run: Run
    /// Rejected pushes retried before giving up.
    package var maxRetries = 4

    package init(
        repository: TapConfig.Repository, workDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment, git: String? = nil,
        run: @escaping Run = { try ProcessRunner.capture($0) }
    ) throws {
        self.repository = repository
        self.workDirectory = workDirectory
        self.environment = environment
        self.run = run
        if let git {
            self.git = git
        } else if let found = ProcessRunner.which("git", path: environment["PATH"]) {
            self.git = found
        } else {
            throw ShipdeckError(.git, "git was not found on PATH", hint: "install git (scripts/bootstrap does)")
        }
        if let name = repository.tokenEnvironment, (environment[name] ?? "").isEmpty {
            throw ShipdeckError(
                .config, "\(repository.key).token_env names \(name), which is not set",
                hint: "export \(name) with a token that may push to \(repository.displayURL)")
        }
        if repository.tokenEnvironment != nil, let host = repository.plainHTTPHost {
            throw ShipdeckError(
                .config,
                "\(repository.key): plain http:// to \(UntrustedText.escape(host)) would send the token unencrypted",
                hint: "use an https:// URL (http:// with a token is accepted for 127.0.0.1 and localhost only)")
        }
    }

    /// Clones, writes `files` (paths relative to the repository root), commits with `message`
    /// and pushes to the branch. Rejected pushes are fetched, rebased and pushed again.
    package func publish(files: [String: Data], message: String, log: (String) -> Void = { _ in }) throws -> Outcome {
        defer { try? FileManager.default.removeItem(at: workDirectory) }  // also when the clone fails
        let clone = try cloneFresh(log: log)
        for (path, data) in files.sorted(by: { $0.key < $1.key }) {
            let url = clone.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        }
        try git(["add", "--"] + files.keys.sorted(), in: clone)
        let diff = try gitStatus(["diff", "--cached", "--quiet"], in: clone)
        if diff.result.exitCode == 0 {
            let head = try git(["rev-parse", "HEAD"], in: clone)
            log("\(repository.displayURL): \(files.keys.sorted().joined(separator: ", ")) already up to date")
            return .unchanged(commit: head)
        }
        try git(["commit", "--quiet", "--no-verify", "-m", message], in: clone)
        var retries = 0
        while true {
            let push = try gitStatus(
                ["push", "--porcelain", "origin", "HEAD:refs/heads/\(try currentBranch(clone))"],
                in: clone)
            if push.result.succeeded { break }
            guard Self.isRejectedAsBehind(push.output), retries < maxRetries else {
                throw failure("push", push.output)
            }
            retries += 1
            log("\(repository.displayURL): push rejected (someone pushed first): fetching and rebasing, try \(retries + 1)")
            let branch = try currentBranch(clone)
            try git(["fetch", "--quiet", "origin", branch], in: clone)
            let rebase = try gitStatus(["rebase", "--quiet", "FETCH_HEAD"], in: clone)
            if !rebase.result.succeeded {
                _ = try? gitStatus(["rebase", "--abort"], in: clone)
                throw ShipdeckError(
                    .git,
                    "\(repository.displayURL): cannot rebase onto what was pushed meanwhile: "
                        + Self.lastLines(rebase.output),
                    hint: "someone changed the same files; look at the branch, then run publish again")
            }
        }
        let head = try git(["rev-parse", "HEAD"], in: clone)
        log("\(repository.displayURL): pushed \(head.prefix(12))\(retries > 0 ? " after \(retries) rejected push(es)" : "")")
        return .pushed(commit: head, retries: retries)
    }

    /// True when the branch's tip already holds exactly `files` (for resume: nothing to do).
    package func isComplete(files: [String: Data]) throws -> Bool {
        defer { try? FileManager.default.removeItem(at: workDirectory) }  // also when the clone fails
        let clone = try cloneFresh(log: { _ in })
        return files.allSatisfy { path, data in
            (try? Data(contentsOf: clone.appendingPathComponent(path))) == data
        }
    }

    /// Checks, before anything is published, that the repository answers (`git ls-remote`) and holds
    /// the configured branch; a repository without any branch yet is fine (the first push makes it).
    package func checkReachable() throws {
        let listing = try gitStatus(
            ["ls-remote", "--heads", "--", repository.url], in: FileManager.default.temporaryDirectory)
        guard listing.result.succeeded else {
            throw ShipdeckError(
                .git,
                "\(repository.displayURL): cannot read the repository (git ls-remote): "
                    + Self.lastLines(redacting(listing.output)) + ", so nothing was published",
                hint: "check \(repository.key) (a git URL or path that exists) and that you may read it")
        }
        let heads = listing.output.split(separator: "\n").compactMap { line -> String? in
            guard let tab = line.firstIndex(of: "\t") else { return nil }
            let ref = line[tab...].dropFirst()
            return ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : nil
        }
        if let branch = repository.branch, !heads.isEmpty, !heads.contains(branch) {
            throw ShipdeckError(
                .git,
                "\(repository.displayURL) has no branch \(UntrustedText.escape(branch)) (it has "
                    + heads.prefix(5).map(UntrustedText.escape).joined(separator: ", ")
                    + (heads.count > 5 ? ", …" : "") + "), so nothing was published",
                hint: "set \(repository.key.split(separator: ".").dropLast().joined(separator: ".")).branch to one of "
                    + "them, or create the branch")
        }
    }

    // MARK: git

    private func cloneFresh(log: (String) -> Void) throws -> URL {
        try? FileManager.default.removeItem(at: workDirectory)
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        let clone = workDirectory.appendingPathComponent("repo", isDirectory: true)
        var arguments = ["clone", "--quiet", "--no-tags"]
        if let branch = repository.branch { arguments += ["--branch", branch] }
        let result = try gitStatus(arguments + ["--", repository.url, clone.path], in: workDirectory)
        guard result.result.succeeded else { throw failure("clone", result.output) }
        // An empty repository has no branch yet: start the configured one (or main).
        if try gitStatus(["rev-parse", "--verify", "--quiet", "HEAD"], in: clone).result.exitCode != 0 {
            try git(["symbolic-ref", "HEAD", "refs/heads/\(repository.branch ?? "main")"], in: clone)
        }
        return clone
    }

    /// The branch the clone is on: the configured one, else the remote's default.
    func currentBranch(_ clone: URL) throws -> String {
        if let branch = repository.branch { return branch }
        return try git(["symbolic-ref", "--short", "HEAD"], in: clone)
    }

    @discardableResult
    func git(_ arguments: [String], in directory: URL) throws -> String {
        let out = try gitStatus(arguments, in: directory)
        guard out.result.succeeded else { throw failure(arguments.first ?? "git", out.output) }
        return out.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func gitStatus(_ arguments: [String], in directory: URL) throws -> (result: ProcessResult, output: String) {
        let config = [
            "-c", "commit.gpgsign=false", "-c", "user.name=\(repository.authorName)",
            "-c", "user.email=\(repository.authorEmail)", "-c", "core.hooksPath=/dev/null",
        ]
        return try run(
            ProcessSpec(
                executable: git, arguments: config + arguments, environment: childEnvironment(),
                workingDirectory: directory.path))
    }

    /// What git gets: enough to find ssh, keys and the agent; never the parent's secrets, except
    /// the configured token, scoped to the repository's host.
    func childEnvironment() -> [String: String] {
        var env: [String: String] = [
            "PATH": environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C", "LANG": "C",
            "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1",
        ]
        for name in ["HOME", "SSH_AUTH_SOCK", "GIT_SSH_COMMAND", "GIT_SSH", "SSH_ASKPASS", "TMPDIR"] {
            if let value = environment[name] { env[name] = value }
        }
        if let name = repository.tokenEnvironment, let token = environment[name], let prefix = repository.httpPrefix {
            let credentials = Data("x-access-token:\(token)".utf8).base64EncodedString()
            env["GIT_CONFIG_COUNT"] = "1"
            env["GIT_CONFIG_KEY_0"] = "http.\(prefix).extraHeader"
            env["GIT_CONFIG_VALUE_0"] = "Authorization: Basic \(credentials)"
        }
        return env
    }

    func failure(_ command: String, _ output: String) -> ShipdeckError {
        ShipdeckError(
            .git, "\(repository.displayURL): git \(command) failed: \(Self.lastLines(redacting(output)))",
            hint: command == "clone"
                ? "check \(repository.key) (a git URL or path that exists) and that you may read it"
                : "check that you may push to \(repository.displayURL)")
    }

    /// git's words, escaped, with any configured token cut out.
    func redacting(_ text: String) -> String {
        guard let name = repository.tokenEnvironment, let token = environment[name], !token.isEmpty else {
            return text
        }
        return text.replacingOccurrences(of: token, with: "[\(name)]")
    }

    /// git's last lines, escaped, without the `hint:` lines it adds (advice about git's own
    /// settings, not about what Shipdeck was asked to do).
    static func lastLines(_ output: String, count: Int = 4) -> String {
        output.split(separator: "\n")
            .filter { !$0.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("hint:") }
            .suffix(count).map { UntrustedText.escape(String($0)) }
            .joined(separator: " | ")
    }

    /// A push refused because the remote branch moved on (git's porcelain `!` lines say why).
    static func isRejectedAsBehind(_ output: String) -> Bool {
        output.contains("[rejected]") && (output.contains("fetch first") || output.contains("non-fast-forward"))
            || output.contains("[remote rejected]") && output.contains("cannot lock ref")
    }
}
