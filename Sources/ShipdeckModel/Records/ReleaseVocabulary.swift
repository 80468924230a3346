import Foundation

/// The stages one cell passes through, in order. Optional stages are skipped when not configured.
public enum CellStage: String, Codable, Sendable, CaseIterable {
    case build, reproducibility, smoke, archive, hash, sign
    /// Authenticode signing of a Windows executable, between build and archive.
    case authenticode
    /// SPDX and CycloneDX SBOMs of the binary, from the module graph Go embeds (ShipdeckEngine/SBOM).
    case sbom
    /// The .deb and .rpm of a Linux cell (`packages:`), after the archive.
    case package
}

/// Release-wide steps, run once every cell is final (and again after a retry).
public enum ReleaseStep: String, Codable, Sendable, CaseIterable {
    case checksums, signChecksums = "sign-checksums", manifest, provenance, images
    /// The macOS universal binary (ShipdeckEngine/Universal).
    case universal
    /// dist/CHANGELOG.md from git (ShipdeckEngine/Changelog).
    case changelog
    /// A GoReleaser config's `before.hooks`, run once before any cell builds.
    case hooks = "before-hooks"
    /// A GoReleaser config's archives of several builds (one platform), after every cell is final.
    case archives
}

public enum CellStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, succeeded, failed, cancelled

    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

public enum StageResult: String, Codable, Sendable {
    case succeeded, failed, skipped, cancelled
    /// The stage's output came from the artifact cache (a `build` whose binary an earlier build
    /// with the same inputs made); it counts as succeeded.
    case cached

    /// Succeeded or cached.
    public var isSuccess: Bool { self == .succeeded || self == .cached }
}

public enum ReleaseOutcome: String, Codable, Sendable {
    /// Every cell and every release-wide step succeeded.
    case succeeded
    /// At least one cell or step failed.
    case failed
    /// The user cancelled cells; nothing failed.
    case cancelled
    /// SIGINT/SIGTERM stopped the release.
    case interrupted
}
