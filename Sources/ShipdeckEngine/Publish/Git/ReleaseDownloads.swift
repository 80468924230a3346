import Foundation

/// What a Homebrew formula or a Scoop manifest says about one release: the package's name and
/// details, and per platform the published archive (its download URL and SHA-256).
///
/// Built by the publish phase once the assets are public, from artifacts.json and the URL each
/// asset got (`downloads(from:url:)`), so a formula never points at a file that is not there.
package struct ReleaseDownloads: Sendable, Hashable {
    /// One published archive for one platform.
    package struct Download: Sendable, Hashable {
        package var target: BuildTarget
        /// The asset's file name (`hello_1.2.3_darwin_arm64.tar.gz`).
        package var fileName: String
        package var url: String
        /// Lower-case hex.
        package var sha256: String
        /// The folder every entry of the archive sits in, when the archive wraps its files in one.
        package var directory: String?

        package init(target: BuildTarget, fileName: String, url: String, sha256: String, directory: String? = nil) {
            self.target = target
            self.fileName = fileName
            self.url = url
            self.sha256 = sha256
            self.directory = directory
        }

        /// A raw binary, not an archive.
        package var isArchive: Bool {
            fileName.hasSuffix(".tar.gz") || fileName.hasSuffix(".tgz") || fileName.hasSuffix(".zip")
        }
    }

    /// The formula / manifest name (`hello`, `hello-cli`).
    package var name: String
    package var version: String
    package var description: String
    package var homepage: String
    /// An SPDX identifier (`MIT`, `Apache-2.0`), or nil when none was given.
    package var license: String?
    /// The executable inside each archive (without `.exe`).
    package var binary: String
    /// What the formula's test passes to the binary; its output must contain the version.
    package var testArguments: [String]
    package var downloads: [Download]

    package init(
        name: String, version: String, description: String, homepage: String, license: String?, binary: String,
        testArguments: [String] = ["-version"], downloads: [Download]
    ) {
        self.name = name
        self.version = version
        self.description = description
        self.homepage = homepage
        self.license = license
        self.binary = binary
        self.testArguments = testArguments
        self.downloads = downloads
    }

    /// The archives of artifacts.json as downloads, one per target: `url` gives each record's
    /// published URL. Raw binaries count only for a target that has no archive.
    package static func downloads(
        from artifacts: [ArtifactRecord], url: (ArtifactRecord) throws -> String,
        directory: (ArtifactRecord) throws -> String? = { _ in nil }
    ) rethrows -> [Download] {
        var byTarget: [BuildTarget: ArtifactRecord] = [:]
        for record in artifacts where record.kind == .archive || record.kind == .binary {
            guard let goos = record.goos, let goarch = record.goarch else { continue }
            let target = BuildTarget(goos: goos, goarch: goarch, variant: record.variant)
            if let existing = byTarget[target], existing.kind == .archive { continue }
            byTarget[target] = record
        }
        return try byTarget.sorted { $0.key < $1.key }.map { target, record in
            Download(
                target: target, fileName: record.name, url: try url(record), sha256: record.sha256,
                directory: try directory(record))
        }
    }
}
