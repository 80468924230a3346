import Foundation

/// Semantic versions as GoReleaser reads them (Masterminds/semver): `v1.2.3-rc.1+meta`.
struct SemanticVersion: Sendable, Equatable {
    var major: Int64
    var minor: Int64
    var patch: Int64
    var prerelease: String
    var metadata: String

    /// Parses `1.2.3`, `v1.2.3-rc.1+build`; a missing minor or patch is 0, as Masterminds reads it.
    init?(_ text: String) {
        var rest = Substring(text.hasPrefix("v") ? String(text.dropFirst()) : text)
        metadata = ""
        prerelease = ""
        if let plus = rest.firstIndex(of: "+") {
            metadata = String(rest[rest.index(after: plus)...])
            rest = rest[..<plus]
        }
        if let dash = rest.firstIndex(of: "-") {
            prerelease = String(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
        }
        let numbers = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(numbers.count),
            numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) })
        else { return nil }
        let values = numbers.compactMap { Int64($0) }
        guard values.count == numbers.count else { return nil }
        major = values[0]
        minor = values.count > 1 ? values[1] : 0
        patch = values.count > 2 ? values[2] : 0
    }

    var description: String {
        "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease) + (metadata.isEmpty ? "" : "+" + metadata)
    }

    /// `incpatch`/`incminor`/`incmajor`: like Masterminds' IncPatch & co, keeping a leading `v`.
    /// Pre-release and metadata are dropped; IncPatch of a pre-release keeps the patch number (1.2.3-rc1 → 1.2.3).
    static func increment(_ text: String, part: String) -> String? {
        guard var v = SemanticVersion(text) else { return nil }
        let hadPre = !v.prerelease.isEmpty
        v.metadata = ""
        v.prerelease = ""
        switch part {
        case "incmajor":
            v.major += 1
            v.minor = 0
            v.patch = 0
        case "incminor":
            v.minor += 1
            v.patch = 0
        default:
            if !hadPre { v.patch += 1 }
        }
        return (text.hasPrefix("v") ? "v" : "") + v.description
    }
}
