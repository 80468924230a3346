import Foundation

/// `sbom:` in shipdeck.yml: which SBOM documents each binary gets.
///
/// ```yaml
/// sbom: true                 # both formats
/// sbom: [spdx]               # only these
/// sbom: { formats: [spdx, cyclonedx] }
/// ```
package struct SBOMConfig: Sendable, Hashable {
    package enum Format: String, Sendable, CaseIterable {
        /// SPDX 2.3 JSON, `<binary>.spdx.json`.
        case spdx
        /// CycloneDX 1.6 JSON, `<binary>.cdx.json`.
        case cyclonedx
    }

    package var formats: [Format]

    package init(formats: [Format] = Format.allCases) { self.formats = formats }
}
