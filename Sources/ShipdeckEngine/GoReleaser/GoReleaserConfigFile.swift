import Foundation
import Yams

/// Finding and recognising GoReleaser configs.
package enum GoReleaserConfigFile {
    /// GoReleaser's own search order (cmd/config.go), relative to the project.
    package static let searchOrder = [
        ".config/goreleaser.yml", ".config/goreleaser.yaml", ".goreleaser.yml", ".goreleaser.yaml", "goreleaser.yml",
        "goreleaser.yaml",
    ]

    /// The first GoReleaser config in `directory`, in GoReleaser's order.
    package static func locate(in directory: URL) -> URL? {
        searchOrder.map { directory.appendingPathComponent($0) }.first {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDir) && !isDir.boolValue
        }
    }

    /// Top-level keys only GoReleaser configs have (shipdeck.yml has none of them).
    static let goreleaserOnlyKeys: Set<String> = [
        "version", "project_name", "builds", "archives", "before", "snapshot", "release", "changelog", "nfpms",
        "brews", "homebrew_casks", "dockers", "dockers_v2", "docker_manifests", "sboms", "gomod", "universal_binaries",
        "upx", "notarize", "scoops", "winget", "aurs", "krews", "kos", "snapcrafts", "blobs", "publishers", "announce",
        "milestones", "dist", "metadata", "source", "git", "report_sizes", "nix", "chocolateys", "artifactories",
        "uploads", "binary_signs", "docker_signs", "env_files", "brew", "nfpm", "snapcraft", "scoop",
        "rigs", "pro",
    ]

    /// True when `text` reads as a GoReleaser config rather than a shipdeck.yml: its file name says
    /// so, or its top level has a key only GoReleaser uses (`version`, `builds`, `project_name` …).
    package static func isGoReleaser(_ text: String, fileName: String) -> Bool {
        if fileName.lowercased().contains("goreleaser") { return true }
        guard let root = try? Yams.compose(yaml: text), case .mapping(let mapping) = root else { return false }
        return mapping.keys.contains { goreleaserOnlyKeys.contains($0.string ?? "") }
    }
}
