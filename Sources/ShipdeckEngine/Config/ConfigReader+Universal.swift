import Foundation
import Yams

extension ConfigReader {
    static let universalKeys = ["id", "ids", "name_template", "replace"]

    /// `universal_binaries:` as GoReleaser writes it (a list with one entry) or a single mapping.
    func universalBinaries(_ node: Node) throws -> UniversalBinaryConfig? {
        var entry = node
        if case .sequence(let items) = node {
            guard let first = items.first else { return nil }
            guard items.count == 1 else {
                throw error("universal_binaries", at: items[1], "more than one universal binary is configured",
                            hint: "Shipdeck builds one main package, so one universal binary: keep one entry")
            }
            entry = first
        }
        var config = UniversalBinaryConfig(origin: "\(file)\(entry.mark.map { ":\($0.line)" } ?? "")")
        for (k, v) in try mapping(entry, key: "universal_binaries") {
            let key = "universal_binaries.\(k.string ?? "?")"
            switch k.string {
            case "id": config.id = try string(v, key: key)
            case "ids": _ = try strings(v, key: key)  // one build: every id names it
            case "name_template": config.nameTemplate = try string(v, key: key)
            case "replace": config.replace = try bool(v, key: key)
            default: throw unknownKey(key, at: k, known: Self.universalKeys)
            }
        }
        return config
    }
}
