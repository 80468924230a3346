import Foundation

/// The universal binary of a release, decided at plan time: which cells it joins, and every name.
package struct UniversalBinaryPlan: Sendable, Hashable {
    /// The cells whose binaries become the slices, in slice order.
    package static let sourceCells = ["darwin/amd64", "darwin/arm64"]
    /// GoReleaser's GOARCH for a universal binary.
    package static let goarch = "all"

    package var id: String
    /// The binary's file name in dist/: `<project>_<version>_darwin_all`.
    package var binaryName: String
    /// The executable's name inside the archive (`name_template`).
    package var executableName: String
    package var archiveFormat: ArchiveConfig.Format
    package var archiveName: String?
    package var archiveDirectory: String?
    package var replace: Bool

    package var target: BuildTarget { BuildTarget(goos: "darwin", goarch: Self.goarch) }

    /// Checks `universal_binaries:` against the planned cells and names what it makes.
    /// - Parameter restricted: `--target` narrowed the release; without both darwin cells the
    ///   universal binary is then left out with a warning instead of failing.
    static func make(config: UniversalBinaryConfig, cells: [CellPlan], project: String, version: String,
                     binary: String, archive: ArchiveConfig, values: ReleaseTemplateValues,
                     restricted: Bool) throws -> (plan: UniversalBinaryPlan?, warning: String?) {
        let planned = Set(cells.map(\.id))
        let missing = sourceCells.filter { !planned.contains($0) }
        if !missing.isEmpty {
            if restricted {
                return (nil, "universal_binaries: left out, --target does not include \(missing.joined(separator: " and "))")
            }
            throw ShipdeckError(
                .config, "\(config.origin): universal_binaries needs the darwin/amd64 and darwin/arm64 targets, "
                    + "but \(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not planned",
                hint: "add \(missing.joined(separator: " and ")) to targets:, or remove universal_binaries:")
        }
        let target = BuildTarget(goos: "darwin", goarch: goarch)
        let context = values.context(for: target)
        let executable = try config.nameTemplate.map {
            try GoTemplate.render($0, origin: "\(config.origin): universal_binaries name_template", context: context)
        } ?? binary
        guard !executable.isEmpty, !executable.contains("/"), executable != ".", executable != ".." else {
            throw ShipdeckError(
                .template, "\(config.origin): universal_binaries name_template gives '\(UntrustedText.escape(executable))', not a file name",
                hint: "the template must produce a non-empty name without '/', such as {{ .ProjectName }}")
        }
        let base = "\(project)_\(version)_darwin_\(goarch)"
        let format = archive.format(for: "darwin")
        let names = try ArchiveNaming.names(config: archive, format: format, artifactBase: base, values: values,
                                            target: target, source: config.origin)
        return (UniversalBinaryPlan(
            id: config.id ?? project, binaryName: base, executableName: executable, archiveFormat: format,
            archiveName: names.name, archiveDirectory: names.directory, replace: config.replace), nil)
    }
}
