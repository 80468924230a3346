import Foundation

/// The `sbom:`, `universal_binaries:` and `changelog:` sections of a written shipdeck.yml.
extension ShipdeckConfigWriter {
    static func releaseSections(_ config: ShipdeckConfig) -> String {
        var out = ""
        if let sbom = config.sbom {
            out += "sbom: [\(sbom.formats.map(\.rawValue).joined(separator: ", "))]\n"
        }
        if let universal = config.universalBinaries {
            out += "universal_binaries:\n  - replace: \(universal.replace)\n"
            if let id = universal.id { out += "    id: \(quote(id))\n" }
            if let name = universal.nameTemplate { out += "    name_template: \(quote(name))\n" }
        }
        if let changelog = config.changelog {
            out += "changelog:\n"
            if changelog.disable { out += "  disable: true\n" }
            if changelog.sort != .none { out += "  sort: \(changelog.sort.rawValue)\n" }
            if changelog.abbrev != 0 { out += "  abbrev: \(changelog.abbrev)\n" }
            if !changelog.include.isEmpty || !changelog.exclude.isEmpty {
                out += "  filters:\n"
                if !changelog.include.isEmpty { out += "    include:\n" + list(changelog.include.map(\.source), indent: "      ") }
                if !changelog.exclude.isEmpty { out += "    exclude:\n" + list(changelog.exclude.map(\.source), indent: "      ") }
            }
            if !changelog.groups.isEmpty {
                out += "  groups:\n"
                for group in changelog.groups {
                    out += "    - title: \(quote(group.title))\n"
                    if let regexp = group.regexp { out += "      regexp: \(quote(regexp.source))\n" }
                    out += "      order: \(group.order)\n"
                }
            }
            if out.hasSuffix("changelog:\n") { out += "  use: git\n" }
        }
        return out
    }
}
