import Foundation

/// What templates in names, ldflags and checksum names can read about a release, GoReleaser's way:
/// `.ProjectName .Version .Tag .Commit .ShortCommit .CommitDate .Date`, per target `.Os .Arch .Arm
/// .Amd64 …`, and `.Env.NAME`. Dates come from SOURCE_DATE_EPOCH so names stay reproducible.
package struct ReleaseTemplateValues: Sendable {
    package var projectName: String
    package var version: String
    package var tag: String
    package var commit: String
    package var commitTime: Int64?
    package var sourceDateEpoch: Int64
    package var binary: String
    package var env: [String: String]

    package init(
        projectName: String, version: String, tag: String?, commit: String?, commitTime: Int64?,
        sourceDateEpoch: Int64, binary: String, env: [String: String]
    ) {
        self.projectName = projectName
        self.version = version
        self.tag = tag ?? "v" + version
        self.commit = commit ?? ""
        self.commitTime = commitTime
        self.sourceDateEpoch = sourceDateEpoch
        self.binary = binary
        self.env = env
    }

    /// Release-wide fields only (checksum names, binary names).
    package var releaseContext: GoTemplate.Context {
        let date = Self.rfc3339(sourceDateEpoch)
        var fields: [String: String] = [
            "ProjectName": projectName, "Version": version, "RawVersion": version, "Tag": tag,
            "Commit": commit, "FullCommit": commit, "ShortCommit": String(commit.prefix(7)),
            "CommitDate": Self.rfc3339(commitTime ?? sourceDateEpoch),
            "CommitTimestamp": String(commitTime ?? sourceDateEpoch),
            "Date": date, "Timestamp": String(sourceDateEpoch), "Binary": binary,
        ]
        let parts = version.split(separator: "-", maxSplits: 1)[0].split(separator: ".")
        fields["Major"] = parts.count > 0 ? String(parts[0]) : "0"
        fields["Minor"] = parts.count > 1 ? String(parts[1]) : "0"
        fields["Patch"] = parts.count > 2 ? String(parts[2]) : "0"
        fields["Prerelease"] = version.contains("-") ? String(version.split(separator: "-", maxSplits: 1)[1]) : ""
        fields["IsSnapshot"] = ""
        return GoTemplate.Context(fields: fields, env: env)
    }

    /// Fields for one target: `.Os .Arch` and the variant fields, empty where they do not apply
    /// (`.Amd64` is `v1` for amd64 without a variant, `.Arm` is empty for a plain arm target).
    package func context(for target: BuildTarget) -> GoTemplate.Context {
        var context = releaseContext
        context.fields["Os"] = target.goos
        context.fields["Arch"] = target.goarch
        context.fields["Target"] = [target.goos, target.goarch, target.variant].compactMap { $0 }.joined(separator: "_")
        let variantFields = [
            "arm": "Arm", "amd64": "Amd64", "arm64": "Arm64", "386": "I386", "mips": "Mips",
            "mipsle": "Mips", "mips64": "Mips", "mips64le": "Mips", "ppc64": "Ppc64", "ppc64le": "Ppc64",
            "riscv64": "Riscv64",
        ]
        for field in Set(variantFields.values) { context.fields[field] = "" }
        if let field = variantFields[target.goarch] {
            context.fields[field] = target.variant ?? (target.goarch == "amd64" ? "v1" : "")
        }
        return context
    }

    static func rfc3339(_ epoch: Int64) -> String {
        RFC3339.string(epoch: epoch)
    }
}
