import Foundation

/// Expands targets listed without a variant by the `goarm:` / `goamd64:` / … lists, the way
/// GoReleaser builds `linux/arm` once per GOARM value.
package enum TargetVariants {
    /// The config key for each GOARCH's variant list.
    package static let keys: [String: [String]] = [
        "goarm": ["arm"], "goamd64": ["amd64"], "goarm64": ["arm64"], "go386": ["386"],
        "gomips": ["mips", "mipsle", "mips64", "mips64le"],
    ]

    package static func expand(_ targets: [TargetConfig], lists: [String: [String]], source: String) throws
        -> [TargetConfig]
    {
        var out: [TargetConfig] = []
        for entry in targets {
            let key = keys.first { $0.value.contains(entry.target.goarch) }?.key
            guard entry.target.variant == nil, let key, let values = lists[key], !values.isEmpty else {
                out.append(entry)
                continue
            }
            for value in values {
                var copy = entry
                copy.target.variant = value
                if !copy.target.allowedVariants.isEmpty, !copy.target.allowedVariants.contains(value) {
                    throw ShipdeckError(
                        .config,
                        "\(source): \(key): '\(value)' is not a valid \(copy.target.variantVariable ?? key) for \(entry.target.pair)",
                        hint: "use one of: \(copy.target.allowedVariants.joined(separator: ", "))")
                }
                out.append(copy)
            }
        }
        return out
    }
}
