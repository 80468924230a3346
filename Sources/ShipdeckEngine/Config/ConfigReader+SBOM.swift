import Foundation
import Yams

extension ConfigReader {
    /// `sbom: true|false`, `sbom: [spdx, cyclonedx]` or `sbom: { formats: [...] }`.
    func sbom(_ node: Node) throws -> SBOMConfig? {
        if node.isScalar, let enabled = node.bool, node.string == "true" || node.string == "false" {
            return enabled ? SBOMConfig() : nil
        }
        var formatNode = node
        if case .mapping = node {
            var found: Node?
            for (k, v) in try mapping(node, key: "sbom") {
                switch k.string {
                case "formats": found = v
                default: throw unknownKey("sbom.\(k.string ?? "?")", at: k, known: ["formats"])
                }
            }
            guard let found else { return SBOMConfig() }
            formatNode = found
        }
        let key = node == formatNode ? "sbom" : "sbom.formats"
        var formats: [SBOMConfig.Format] = []
        for name in try strings(formatNode, key: key) {
            guard let format = SBOMConfig.Format(rawValue: name.lowercased()) else {
                throw error(key, at: formatNode, "unknown SBOM format '\(name)'",
                            hint: "use one of: \(SBOMConfig.Format.allCases.map(\.rawValue).joined(separator: ", ")), or sbom: true for both")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        return formats.isEmpty ? nil : SBOMConfig(formats: formats)
    }
}
