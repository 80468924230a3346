import Foundation

/// Decides, at plan time, each cell's archive name and wrapping directory from the config's
/// templates, so template mistakes fail `shipdeck plan` rather than a build.
enum ArchiveNaming {
    /// `wrap_in_directory: true` means "a directory named like the archive".
    static let wrapLikeArchive = "true"

    /// Why `name` (made from a template; `stem` is what the template gave, before the extension)
    /// cannot be a release file's name, or nil: release pages, checksums.txt and terminals show it.
    static func fileNameProblem(_ name: String, stem: String) -> String? {
        if stem.trimmingCharacters(in: .whitespaces).isEmpty { return "an empty name" }
        if name == "." || name == ".." || name.contains("/") || name.contains("\\") {
            return "not a file name (a path)"
        }
        if name.unicodeScalars.contains(where: UntrustedText.isControl) { return "a name with control characters" }
        if name.hasPrefix("-") { return "a name that starts with '-' (read as an option by tools)" }
        return nil
    }

    static func names(
        config: ArchiveConfig, format: ArchiveConfig.Format, artifactBase: String,
        values: ReleaseTemplateValues, target: BuildTarget, source: String
    ) throws -> (name: String?, directory: String?) {
        guard format != .binary else { return (nil, nil) }
        let context = values.context(for: target)
        var base = artifactBase
        if let template = config.nameTemplate {
            base = try GoTemplate.render(template, origin: "\(source): archive name_template", context: context)
            if let problem = fileNameProblem(base, stem: base) {
                throw ShipdeckError(
                    .template,
                    "\(source): archive name_template gives '\(UntrustedText.escape(base))' for \(target), \(problem)",
                    hint: "the template must give a non-empty name of plain characters, without '/' or '\\'")
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
