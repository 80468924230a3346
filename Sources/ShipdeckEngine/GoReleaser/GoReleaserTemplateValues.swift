import Foundation

/// The fields GoReleaser's templates read (internal/tmpl `New`), from Shipdeck's view of the source.
///
/// Differences, on purpose: `.Date`, `.Timestamp`, `.Now` and `time "…"` are the release's
/// SOURCE_DATE_EPOCH (the commit time unless set), not the wall clock, so a rebuild gives the same
/// bytes; the format is GoReleaser's (RFC 3339 in UTC, `2023-11-14T22:13:20Z`).
struct GoReleaserTemplateValues {
    var fields: [String: String] = [:]
    var values: [String: GoTemplate.Value] = [:]
    var env: [String: String]
    /// The config's top-level `env:`, rendered: what cells and hooks get on top of the base environment.
    var configEnv: [String: String] = [:]
    var epoch: Int64
    var version: String
    var tag: String
    let snapshot: Bool
    /// `--version` was given: it wins over the snapshot template.
    let overridden: Bool

    init(
        project: GoReleaserProject, source: SourceInfo, projectName: String, epoch: Int64, options: PlanOptions,
        host: BuildTarget
    ) throws {
        let git = project.git
        self.epoch = epoch
        let dirty = git.dirty
        snapshot = options.snapshot || (options.autoSnapshot && dirty)
        // GoReleaser's tag: the one at HEAD, else (snapshots) the latest reachable one, else v0.0.0.
        tag = source.exactTag ?? (snapshot ? git.latestTag : nil) ?? "v0.0.0"
        overridden = !(options.versionOverride ?? "").isEmpty
        if let override = options.versionOverride, !override.isEmpty {
            version = override
        } else if snapshot {
            version = tag.hasPrefix("v") ? String(tag.dropFirst()) : tag
        } else {
            version = source.version(override: nil)
        }
        let semver = SemanticVersion(tag) ?? SemanticVersion("0.0.0")!
        let commit = source.commit ?? ""
        let commitTime = source.commitTime ?? epoch
        fields = [
            "ProjectName": projectName, "ModulePath": source.modulePath, "Version": version,
            "RawVersion": "\(semver.major).\(semver.minor).\(semver.patch)", "Summary": git.summary, "Tag": tag,
            "PreviousTag": git.previousTag, "Branch": git.branch, "Commit": commit, "FullCommit": commit,
            "ShortCommit": git.shortCommit ?? String(commit.prefix(7)), "CommitDate": GoTimeFormat.rfc3339(commitTime),
            "GitURL": git.url, "GitTreeState": dirty ? "dirty" : "clean", "Date": GoTimeFormat.rfc3339(epoch),
            "Prerelease": semver.prerelease,
        ]
        values = [
            "CommitTimestamp": .int(commitTime), "IsGitDirty": .bool(dirty), "IsGitClean": .bool(!dirty),
            "Timestamp": .int(epoch), "Now": .time(epoch), "Major": .int(semver.major), "Minor": .int(semver.minor),
            "Patch": .int(semver.patch), "IsSnapshot": .bool(snapshot), "IsSingleTarget": .bool(options.only.count == 1),
            "IsNightly": .bool(false), "Runtime": .map(["Goos": host.goos, "Goarch": host.goarch]),
        ]
        env = options.environment
        // Top-level env entries see the ones before them (GoReleaser's env pipe).
        for entry in project.env {
            let rendered = try GoTemplate.render(entry, origin: "\(project.file): env", context: context())
            guard let eq = rendered.firstIndex(of: "="), eq != rendered.startIndex else {
                throw ShipdeckError(.config, "\(project.file): env: '\(UntrustedText.escape(rendered))' is not KEY=VALUE")
            }
            let key = String(rendered[..<eq]), value = String(rendered[rendered.index(after: eq)...])
            env[key] = value
            configEnv[key] = value
        }
    }

    /// `--snapshot` (or `--auto-snapshot` on a dirty tree): the version becomes
    /// `snapshot.version_template` rendered (default `{{ .Version }}-SNAPSHOT-{{ .ShortCommit }}`).
    mutating func applySnapshot(_ project: GoReleaserProject) throws {
        guard snapshot, !overridden, !project.snapshotTemplate.isEmpty else { return }
        let rendered = try GoTemplate.render(
            project.snapshotTemplate, origin: "\(project.file): snapshot.version_template", context: context())
        guard !rendered.isEmpty else {
            throw ShipdeckError(
                .template, "\(project.file): snapshot.version_template gives an empty version",
                hint: "the template must produce a version, such as {{ .Version }}-SNAPSHOT-{{ .ShortCommit }}")
        }
        version = rendered
        fields["Version"] = rendered
    }

    func context() -> GoTemplate.Context {
        var context = GoTemplate.Context(fields: fields, env: env)
        context.values = values
        context.now = epoch
        return context
    }
}
