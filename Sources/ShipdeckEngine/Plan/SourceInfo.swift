import Foundation

/// What the release knows about the source tree: module, version, commit, timestamp.
package struct SourceInfo: Sendable {
    package var moduleDirectory: String
    package var modulePath: String
    /// The `toolchain` line of go.mod, if any (`go1.22.3`).
    package var pinnedToolchain: String?
    package var commit: String?
    package var exactTag: String?
    package var commitTime: Int64?
    /// Paths (relative to the module) `git status` reports as changed or untracked, when HEAD has a
    /// tag; nil when not known. The plan warns: a release named by the tag would hold other source.
    package var uncommitted: [String]?

    /// Reads go.mod and asks git (when the tree is a git checkout) for commit, tag and time.
    package static func read(moduleDirectory: String, environment: [String: String], dist: URL? = nil) throws
        -> SourceInfo
    {
        let goMod = URL(fileURLWithPath: moduleDirectory).appendingPathComponent("go.mod")
        guard let text = try? String(contentsOf: goMod, encoding: .utf8) else {
            throw ShipdeckError(.config, "no go.mod in \(moduleDirectory): Shipdeck releases a Go module",
                                hint: "run shipdeck in the module's root directory, or create one with `go mod init`")
        }
        var modulePath: String?
        var toolchain: String?
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count >= 2, words[0] == "module" { modulePath = String(words[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            if words.count >= 2, words[0] == "toolchain" { toolchain = String(words[1]) }
        }
        guard let modulePath else {
            throw ShipdeckError(.config, "\(goMod.path) has no module line", hint: "add `module example.com/name` to go.mod")
        }
        var info = SourceInfo(moduleDirectory: moduleDirectory, modulePath: modulePath, pinnedToolchain: toolchain)
        if let git = ProcessRunner.which("git", path: environment["PATH"]) {
            func git_(_ args: [String]) -> String? {
                let spec = ProcessSpec(executable: git, arguments: args, environment: environment, workingDirectory: moduleDirectory)
                guard let (result, output) = try? ProcessRunner.capture(spec), result.succeeded else { return nil }
                let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
                return trimmed.isEmpty ? nil : trimmed
            }
            info.commit = git_(["rev-parse", "HEAD"])
            if info.commit != nil {
                // Of several tags on HEAD (v1.2.0 re-tagged v1.2.1), the highest version: `git describe`
                // would pick one by its own rules (annotated first, then an arbitrary one). With the
                // suffix rule a pre-release sorts below its release (v1.2.0-rc.1 < v1.2.0).
                info.exactTag = git_(["-c", "versionsort.suffix=-", "tag", "--points-at", "HEAD", "--sort=-version:refname"])
                    .flatMap { $0.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) } }
                info.commitTime = git_(["log", "-1", "--format=%ct", "HEAD"]).flatMap { Int64($0) }
                if info.exactTag != nil {
                    // -z: names as they are (no quoting); `-- .`: the module's folder only.
                    let spec = ProcessSpec(
                        executable: git,
                        arguments: ["status", "--porcelain=v1", "-z", "--untracked-files=normal", "--", "."]
                            + Self.excludeSpec(dist: dist ?? URL(fileURLWithPath: moduleDirectory).appendingPathComponent("dist"),
                                               module: moduleDirectory),
                        environment: environment, workingDirectory: moduleDirectory)
                    if let (result, output) = try? ProcessRunner.capture(spec), result.succeeded {
                        info.uncommitted = Self.statusPaths(output)
                    }
                }
            }
        }
        return info
    }

    /// The release's own output folder, when it is inside the module, as an exclude pathspec.
    static func excludeSpec(dist: URL, module: String) -> [String] {
        let base = URL(fileURLWithPath: module).standardizedFileURL.path
        let path = dist.standardizedFileURL.path
        guard path.hasPrefix(base + "/") else { return [] }
        return [":(exclude,literal)" + String(path.dropFirst(base.count + 1))]
    }

    /// The paths of `git status --porcelain=v1 -z` (a rename's source name dropped). They are
    /// relative to the repository root, as git prints them with -z.
    static func statusPaths(_ output: String) -> [String] {
        var paths: [String] = []
        var skipNext = false
        for record in output.split(separator: "\0", omittingEmptySubsequences: true) {
            if skipNext {
                skipNext = false
                continue
            }
            guard record.count > 3 else { continue }
            let status = record.prefix(2)
            paths.append(String(record.dropFirst(3)))
            if status.contains("R") || status.contains("C") { skipNext = true }
        }
        return paths
    }

    /// The project name zero config takes from the module path: its last element, without a `/vN`.
    package var defaultProjectName: String {
        var parts = modulePath.split(separator: "/").map(String.init)
        if parts.count > 1, let last = parts.last, last.first == "v", Int(last.dropFirst()) != nil { parts.removeLast() }
        return parts.last ?? modulePath
    }

    /// `--version`, else the exact tag at HEAD without its `v`, else `0.0.0-dev+<short commit>`, else `0.0.0-dev`.
    package func version(override: String?) -> String {
        if let override, !override.isEmpty { return override }
        if let tag = exactTag { return tag.hasPrefix("v") ? String(tag.dropFirst()) : tag }
        if let commit { return "0.0.0-dev+\(commit.prefix(7))" }
        return "0.0.0-dev"
    }

    /// SOURCE_DATE_EPOCH: from the environment, else the HEAD commit time, else a fixed value.
    package func sourceDateEpoch(environment: [String: String]) throws -> Int64 {
        if let given = environment["SOURCE_DATE_EPOCH"], !given.isEmpty {
            guard let value = Int64(given), value >= 0 else {
                throw ShipdeckError(.config, "SOURCE_DATE_EPOCH is '\(given)', not a number of seconds since 1970",
                                    hint: "unset it, or set it to a Unix time such as $(git log -1 --format=%ct)")
            }
            return value
        }
        return commitTime ?? Self.fixedEpoch
    }

    /// 2000-01-01T00:00:00Z: after the zip epoch, so archives need no clamping.
    package static let fixedEpoch: Int64 = 946_684_800
}
