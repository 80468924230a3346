import Foundation

/// Decides, at plan time, each cell's archive name and wrapping directory from the config's
/// templates, so template mistakes fail `shipdeck plan` rather than a build.
enum ArchiveNaming {
    /// `wrap_in_directory: true` means "a directory named like the archive".
    static let wrapLikeArchive = "true"

    static func names(
        config: ArchiveConfig, format: ArchiveConfig.Format, artifactBase: String,
        values: ReleaseTemplateValues, target: BuildTarget, source: String
    ) throws -> (name: String?, directory: String?) {
        guard format != .binary else { return (nil, nil) }
        let context = values.context(for: target)
        var base = artifactBase
        if let template = config.nameTemplate {
            base = try GoTemplate.render(template, origin: "\(source): archive name_template", context: context)
            guard !base.isEmpty, !base.contains("/") else {
                throw ShipdeckError(
                    .template,
                    "\(source): archive name_template gives '\(UntrustedText.escape(base))' for \(target), not a file name",
                    hint: "the template must produce a non-empty name without '/'")
            }
        }
        var directory: String?
        if let wrap = config.wrapInDirectory {
            directory =
                wrap == wrapLikeArchive
                ? base
                : try GoTemplate.render(wrap, origin: "\(source): archive wrap_in_directory", context: context)
            if directory?.isEmpty == true { directory = nil }
        }
        return (base + "." + format.rawValue, directory)
    }
}
