import Foundation
import Yams

/// Reads a GoReleaser config for a release (`load`/`parse`: the `GoReleaserProject` that
/// `GoReleaserPlanner` plans, on a `ShipdeckConfig`), and translates one into shipdeck.yml values
/// for `shipdeck init --from-goreleaser` (`translation`/`translate`, which keep `builds[0]`,
/// `archives[0]` and list everything else as not carried over).
///
/// Translated: `project_name`, `env`; `builds[0]` (main, binary, goos, goarch, goarm, goamd64, goarm64,
/// go386, gomips, targets, ignore, env, flags, ldflags, tags, mod_timestamp); `archives[0]` (formats /
/// format, name_template, files, format_overrides, wrap_in_directory); `checksum` (name_template,
/// algorithm sha256).
package enum GoReleaserImport {
    /// GoReleaser's own search order.
    package static var fileNames: [String] { GoReleaserConfigFile.searchOrder }

    /// GoReleaser's defaults (for the translation).
    static let defaultGoos = ["darwin", "linux", "windows"]
    static let defaultGoarch = ["386", "amd64", "arm64"]
    static let defaultNameTemplate = GoReleaserProject.defaultArchiveName
    static let defaultChecksumName = "{{ .ProjectName }}_{{ .Version }}_checksums.txt"
    /// The rule recorded for targets GoReleaser would skip because Go cannot build them.
    static let notAPortRule = "not a Go port (GoReleaser skips it)"

    /// The first GoReleaser config in `directory`, in GoReleaser's order
    /// (`.config/goreleaser.yml`, `.config/goreleaser.yaml`, `.goreleaser.yml`, `.goreleaser.yaml`,
    /// `goreleaser.yml`, `goreleaser.yaml`).
    package static func locate(in directory: URL) -> URL? { GoReleaserConfigFile.locate(in: directory) }

    /// True when the file at `url` is a GoReleaser config (by its name or its content).
    package static func isGoReleaserFile(_ url: URL) -> Bool {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            return url.lastPathComponent.lowercased().contains("goreleaser")
        }
        return GoReleaserConfigFile.isGoReleaser(text, fileName: url.lastPathComponent)
    }

    /// True when the config came from a GoReleaser file.
    package static func isImport(_ config: ShipdeckConfig) -> Bool { config.goreleaser != nil }

    /// Reads a GoReleaser config for a release, with the git facts its templates read.
    package static func load(_ url: URL, defaultProject: String, environment: [String: String]) throws -> ShipdeckConfig
    {
        let text = try read(url)
        var config = try parse(text, file: url.path, defaultProject: defaultProject, environment: environment)
        config.goreleaser?.git = GoReleaserGitFacts.read(
            directory: moduleDirectory(of: url).path,
            environment: environment)
        return config
    }

    /// The project directory of a config found at `.config/goreleaser.yaml` is the folder above `.config`.
    static func moduleDirectory(of url: URL) -> URL {
        let folder = url.deletingLastPathComponent()
        return folder.lastPathComponent == ".config" ? folder.deletingLastPathComponent() : folder
    }

    static func read(_ url: URL) throws -> String {
        try ConfigPreflight.read(url, what: "GoReleaser config")
    }

    /// A GoReleaser config as the release reads it: the project, and `builds[0]`'s values on the
    /// config for what reads them (signers, images, the translation). Warnings: every unsupported key.
    package static func parse(
        _ text: String, file: String, defaultProject: String, environment: [String: String] = [:]
    ) throws -> ShipdeckConfig {
        var project = try GoReleaserProject.read(text, file: file)
        var config = (try? translate(text, file: file, defaultProject: defaultProject, environment: environment))
            ?? ShipdeckConfig()
        config.path = file
        // changelog: is read by GoReleaserImport+Changelog.swift; the keys it does not apply are listed
        // with the others.
        // nfpms: is read by GoReleaserImport+NFPM.swift into `packages:` (errors stop the release
        // here, not silently in the translation); the keys it does not make are listed with the rest.
        var sectionWarnings: [String] = []
        if let root = try ConfigPreflight.compose(text, file: file), case .mapping(let top) = root {
            for (key, value) in top {
                guard let name = key.string, name == "changelog" || name == "nfpms" else { continue }
                var paths: [String] = []
                let reader = ConfigReader(file: file)
                if name == "nfpms" {
                    config.packages = nil
                    sectionWarnings += try readNFPMs(value, into: &config, reader: reader) { paths.append($0) }
                } else {
                    var scratch = ShipdeckConfig()
                    try importRelease(name, value, into: &scratch, reader: reader) { paths.append($0) }
                }
                project.unsupported += paths.map(unsupportedEntry)
                sectionWarnings += paths.map { "\(file): \($0) is not supported by Shipdeck and was ignored" }
            }
        }
        config.goreleaser = project
        let own = project.unsupported.filter { !$0.path.hasPrefix("changelog.") && !$0.path.hasPrefix("nfpms") }
        config.warnings = own.map { "\(file): \($0.path) is not supported: \($0.instead)" } + sectionWarnings
        return config
    }

    /// `changelog.use: github (the changelog is read from git)` → path `changelog.use`, and the rest.
    static func unsupportedEntry(_ message: String) -> GoReleaserProject.Unsupported {
        let cut = [message.range(of: ": "), message.range(of: " (")].compactMap { $0 }.min { $0.lowerBound < $1.lowerBound }
        guard let cut else { return GoReleaserProject.Unsupported(path: message, instead: "not applied") }
        var rest = String(message[cut.upperBound...])
        if cut.lowerBound == message.range(of: " (")?.lowerBound, rest.hasSuffix(")") { rest.removeLast() }
        return GoReleaserProject.Unsupported(path: String(message[..<cut.lowerBound]), instead: "not applied: " + rest)
    }

    static func isTranslated(_ path: String) -> Bool {
        (path as NSString).lastPathComponent.lowercased().contains("goreleaser")
    }

    package static func dropUnknownPorts(_ config: inout ShipdeckConfig, toolchain: GoToolchain) {
        // A release from a GoReleaser file: the planner leaves out what this Go cannot build itself.
        guard config.goreleaser == nil, config.path.map(isTranslated) ?? false else { return }
        let dropped = config.targets.filter { toolchain.ports[$0.target.pair] == nil }
        config.targets.removeAll { toolchain.ports[$0.target.pair] == nil }
        config.ignored += dropped.map { ($0.target, notAPortRule) }
    }
}
