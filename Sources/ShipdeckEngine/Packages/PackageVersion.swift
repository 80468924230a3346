import Foundation

/// A release version as each package format spells it.
///
/// A SemVer pre-release (`1.2.0-rc.1`) must sort before the release in both formats, so its `-`
/// becomes `~` (`1.2.0~rc.1`), as Debian policy and Fedora's guidelines write it; build metadata
/// (`+abc1234`) stays. The deb version is `[epoch:]upstream-revision`, the rpm one `version` plus
/// `release` in their own tags.
struct PackageVersion: Sendable, Hashable {
    /// `1.2.0~rc.1`: the upstream part, the same for both formats.
    var upstream: String
    /// Debian revision / rpm release.
    var release: String
    var epoch: String?

    /// `[epoch:]upstream-release`, for the control file.
    var deb: String { (epoch.map { "\($0):" } ?? "") + "\(upstream)-\(release)" }
    /// `upstream-release`, for file names (the epoch is not part of them).
    var debFileVersion: String { "\(upstream)-\(release)" }

    struct Invalid: Error { var reason: String; var key: String }

    init(version: String, release: String, epoch: String?) throws {
        var upstream = version.hasPrefix("v") ? String(version.dropFirst()) : version
        // The pre-release's dash only: one inside build metadata (`1.2.3+build-5`) is not a pre-release.
        if let dash = upstream.firstIndex(of: "-"), upstream.firstIndex(of: "+").map({ dash < $0 }) ?? true {
            upstream.replaceSubrange(dash...dash, with: "~")
        }
        upstream = upstream.replacingOccurrences(of: "-", with: ".")
        let allowed = ".+~".unicodeScalars
        guard let first = upstream.unicodeScalars.first, ("0"..."9").contains(first),
            upstream.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || allowed.contains($0))
            })
        else {
            throw Invalid(
                reason:
                    "the version '\(UntrustedText.escape(version))' cannot be a package version: it must start with a digit "
                    + "and hold only letters, digits, '.', '+', '-' and '~'", key: "version")
        }
        guard !release.isEmpty,
            release.unicodeScalars.allSatisfy({
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".+~".unicodeScalars.contains($0))
            }),
            let r = release.unicodeScalars.first, ("0"..."9").contains(r) || r.properties.isAlphabetic
        else {
            throw Invalid(
                reason: "release '\(UntrustedText.escape(release))' must be letters, digits, '.', '+' or '~' (no '-')",
                key: "release")
        }
        if let epoch {
            guard !epoch.isEmpty, epoch.allSatisfy(\.isNumber), UInt32(epoch) != nil else {
                throw Invalid(reason: "epoch '\(UntrustedText.escape(epoch))' must be a number", key: "epoch")
            }
        }
        self.upstream = upstream
        self.release = release
        self.epoch = epoch
    }
}
