import Foundation
import Yams

/// GoReleaser's `changelog:` and `universal_binaries:` sections, read into Shipdeck's. Keys Shipdeck
/// does not support (`changelog.format`, `use: github`, `universal_binaries[].hooks`) become warnings.
extension GoReleaserImport {
    static func importRelease(_ key: String, _ value: Node, into config: inout ShipdeckConfig, reader: ConfigReader,
                              unsupported: (String) -> Void) throws {
        switch key {
        case "changelog":
            config.changelog = try withoutActuallyEscaping(unsupported) { try reader.changelog(value, unsupported: $0) }
        case "universal_binaries":
            guard case .sequence(let items) = value else {
                throw reader.error(key, at: value, "expected a list of universal binaries")
            }
            guard let first = items.first else { return }
            for index in items.indices.dropFirst() {
                unsupported("universal_binaries[\(index)] (one universal binary per release; only [0] is used)")
            }
            var universal = UniversalBinaryConfig(
                nameTemplate: "{{ .ProjectName }}",  // GoReleaser's default
                origin: "\(reader.file)\(first.mark.map { ":\($0.line)" } ?? "")")
            for (k, v) in try reader.mapping(first, key: "universal_binaries[0]") {
                let name = k.string ?? "?"
                let path = "universal_binaries[0].\(name)"
                switch name {
                case "id": universal.id = try reader.string(v, key: path)
                case "ids": _ = try reader.strings(v, key: path)  // one build: every id names it
                case "name_template": universal.nameTemplate = try reader.string(v, key: path)
                case "replace": universal.replace = try reader.bool(v, key: path)
                default: unsupported(path)
                }
            }
            config.universalBinaries = universal
        default:
            unsupported(key)
        }
    }
}
