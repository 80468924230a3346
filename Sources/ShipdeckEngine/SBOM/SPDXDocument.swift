import Foundation

/// An SPDX 2.3 JSON document for one Go binary: a package for the binary (its main module, with the
/// file's SHA-256), one per module Go recorded (purl, `h1:` sum as SHA-256), one for the Go standard
/// library, and `DEPENDS_ON` relationships from the binary to each. Build settings are annotations.
package struct SPDXDocument: Codable, Sendable, Equatable {
    package struct CreationInfo: Codable, Sendable, Equatable {
        var created: String
        var creators: [String]
    }

    package struct Checksum: Codable, Sendable, Equatable {
        var algorithm: String
        var checksumValue: String
    }

    package struct ExternalRef: Codable, Sendable, Equatable {
        var referenceCategory: String
        var referenceType: String
        var referenceLocator: String
    }

    package struct Annotation: Codable, Sendable, Equatable {
        var annotationDate: String
        var annotationType: String
        var annotator: String
        var comment: String
    }

    package struct Package: Codable, Sendable, Equatable {
        var SPDXID: String
        var name: String
        var versionInfo: String?
        var packageFileName: String?
        var downloadLocation: String
        var filesAnalyzed: Bool
        var licenseConcluded: String
        var licenseDeclared: String
        var copyrightText: String
        var primaryPackagePurpose: String
        var checksums: [Checksum]?
        var externalRefs: [ExternalRef]
        var comment: String?
        var annotations: [Annotation]?
    }

    package struct Relationship: Codable, Sendable, Equatable {
        var spdxElementId: String
        var relationshipType: String
        var relatedSpdxElement: String
    }

    var spdxVersion = "SPDX-2.3"
    var dataLicense = "CC0-1.0"
    var SPDXID = "SPDXRef-DOCUMENT"
    var name: String
    var documentNamespace: String
    var creationInfo: CreationInfo
    package var packages: [Package]
    package var relationships: [Relationship]

    /// `<binary>.spdx.json`
    package static func fileName(for binary: String) -> String { binary + ".spdx.json" }

    package static func make(subject: SBOMSubject, info: GoBuildInfo) -> SPDXDocument {
        let tool = "Tool: shipdeck-\(subject.shipdeckVersion)"
        let mainPath = info.main?.path ?? subject.modulePath
        let rootID = "SPDXRef-Binary-" + spdxIDPart(subject.fileName)
        let annotations = info.settings.map {
            Annotation(annotationDate: subject.timestamp, annotationType: "OTHER", annotator: tool,
                       comment: "go build setting \($0.key)=\($0.value)")
        } + [Annotation(annotationDate: subject.timestamp, annotationType: "OTHER", annotator: tool,
                        comment: "go toolchain \(info.goVersion); main package \(info.path)")]
        let root = Package(
            SPDXID: rootID, name: mainPath, versionInfo: subject.moduleVersion, packageFileName: subject.fileName,
            downloadLocation: "NOASSERTION", filesAnalyzed: false, licenseConcluded: "NOASSERTION",
            licenseDeclared: "NOASSERTION", copyrightText: "NOASSERTION", primaryPackagePurpose: "APPLICATION",
            checksums: [Checksum(algorithm: "SHA256", checksumValue: subject.sha256)],
            externalRefs: [purl(PackageURL.golang(module: mainPath, version: subject.moduleVersion))],
            comment: "the Go binary \(subject.fileName), built from main package \(info.path) with \(info.goVersion)",
            annotations: annotations)
        var packages = [root]
        var relationships = [Relationship(spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES",
                                          relatedSpdxElement: rootID)]
        var used: Set<String> = [rootID]
        for module in info.dependencies {
            var id = "SPDXRef-GoModule-" + spdxIDPart(module.path)
            if !used.insert(id).inserted {
                id += "-\(used.count)"
                used.insert(id)
            }
            var comment: String?
            if let replacement = module.replacement {
                comment = "replaced by \(replacement.path)" + (replacement.version.map { " \($0)" } ?? "")
                    + " (go.mod replace directive)"
            }
            if let sum = module.effectiveSum { comment = [comment, "go.sum \(sum)"].compactMap { $0 }.joined(separator: "; ") }
            packages.append(Package(
                SPDXID: id, name: module.path, versionInfo: module.effectiveVersion, packageFileName: nil,
                downloadLocation: "NOASSERTION", filesAnalyzed: false, licenseConcluded: "NOASSERTION",
                licenseDeclared: "NOASSERTION", copyrightText: "NOASSERTION", primaryPackagePurpose: "LIBRARY",
                checksums: module.effectiveSum.flatMap(GoBuildInfo.hexDigest(ofH1:))
                    .map { [Checksum(algorithm: "SHA256", checksumValue: $0)] },
                externalRefs: [purl(PackageURL.golang(module: module.path, version: module.effectiveVersion))],
                comment: comment, annotations: nil))
            relationships.append(Relationship(spdxElementId: rootID, relationshipType: "DEPENDS_ON", relatedSpdxElement: id))
        }
        let stdlibID = "SPDXRef-GoStandardLibrary"
        packages.append(Package(
            SPDXID: stdlibID, name: "stdlib", versionInfo: info.goVersion, packageFileName: nil,
            downloadLocation: "NOASSERTION", filesAnalyzed: false, licenseConcluded: "NOASSERTION",
            licenseDeclared: "NOASSERTION", copyrightText: "NOASSERTION", primaryPackagePurpose: "LIBRARY",
            checksums: nil, externalRefs: [purl(PackageURL.goStandardLibrary(goVersion: info.goVersion))],
            comment: "the Go standard library and runtime linked into the binary", annotations: nil))
        relationships.append(Relationship(spdxElementId: rootID, relationshipType: "DEPENDS_ON", relatedSpdxElement: stdlibID))
        return SPDXDocument(
            name: subject.fileName,
            documentNamespace: "https://spdx.org/spdxdocs/\(PackageURL.encode(subject.fileName))-\(subject.uuid)",
            creationInfo: CreationInfo(created: subject.timestamp, creators: [tool]),
            packages: packages, relationships: relationships)
    }

    package func encoded() throws -> Data { try SBOMEncoding.encode(self) }

    static func purl(_ locator: String) -> ExternalRef {
        ExternalRef(referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: locator)
    }

    /// SPDX identifiers allow letters, digits, `.` and `-` only.
    static func spdxIDPart(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return (c.isASCII && (c.isLetter || c.isNumber)) || c == "." || c == "-" ? c : "-"
        })
    }
}
