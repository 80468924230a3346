import Foundation

/// `universal_binaries:` (GoReleaser's section): one macOS universal binary, a fat Mach-O joining the
/// darwin/amd64 and darwin/arm64 cells, archived and hashed like a cell.
///
/// ```yaml
/// universal_binaries:
///   - id: hello                  # default: the project
///     name_template: hello       # the executable's name inside the archive; default: the binary name
///     replace: true              # drop the two thin darwin cells' files from the release (default false)
/// ```
package struct UniversalBinaryConfig: Sendable, Hashable {
    package var id: String?
    package var nameTemplate: String?
    package var replace = false
    /// Where it was configured (`shipdeck.yml:12`), for errors.
    package var origin: String

    package init(id: String? = nil, nameTemplate: String? = nil, replace: Bool = false, origin: String) {
        self.id = id
        self.nameTemplate = nameTemplate
        self.replace = replace
        self.origin = origin
    }
}
