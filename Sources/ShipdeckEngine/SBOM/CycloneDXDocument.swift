import Foundation

/// A CycloneDX 1.6 JSON BOM for one Go binary: the binary as `metadata.component` (main module purl,
/// the file's SHA-256, the Go toolchain and build settings as properties), a library component per
/// module Go recorded and one for the standard library, and the dependency graph from the binary.
package struct CycloneDXDocument: Codable, Sendable, Equatable {
    package struct Hash: Codable, Sendable, Equatable {
        var alg: String
        var content: String
    }

    package struct Property: Codable, Sendable, Equatable {
        var name: String
        var value: String
    }

    package struct Component: Codable, Sendable, Equatable {
        var type: String
        var bomRef: String
        var name: String
        var version: String?
        var purl: String?
        var hashes: [Hash]?
        var properties: [Property]?

        enum CodingKeys: String, CodingKey {
            case type, bomRef = "bom-ref", name, version, purl, hashes, properties
        }
    }

    package struct Tool: Codable, Sendable, Equatable {
        var type: String
        var name: String
        var version: String
    }

    package struct Tools: Codable, Sendable, Equatable { var components: [Tool] }

    package struct Metadata: Codable, Sendable, Equatable {
        var timestamp: String
        var tools: Tools
        var component: Component
    }

    package struct Dependency: Codable, Sendable, Equatable {
        var ref: String
        var dependsOn: [String]
    }

    var schema = "http://cyclonedx.org/schema/bom-1.6.schema.json"
    var bomFormat = "CycloneDX"
    var specVersion = "1.6"
    var serialNumber: String
    var version = 1
    package var metadata: Metadata
    package var components: [Component]
    package var dependencies: [Dependency]

    enum CodingKeys: String, CodingKey {
        case schema = "$schema", bomFormat, specVersion, serialNumber, version, metadata, components, dependencies
    }

    /// `<binary>.cdx.json`
    package static func fileName(for binary: String) -> String { binary + ".cdx.json" }

    package static func make(subject: SBOMSubject, info: GoBuildInfo) -> CycloneDXDocument {
        let mainPath = info.main?.path ?? subject.modulePath
        let rootPurl = PackageURL.golang(module: mainPath, version: subject.moduleVersion)
        let rootRef = "\(rootPurl)#\(subject.fileName)"
        var properties = [Property(name: "shipdeck:file:name", value: subject.fileName),
                          Property(name: "shipdeck:go:toolchain", value: info.goVersion),
                          Property(name: "shipdeck:go:main-package", value: info.path)]
        properties += info.settings.map { Property(name: "shipdeck:go:build:\($0.key)", value: $0.value) }
        let root = Component(type: "application", bomRef: rootRef, name: mainPath, version: subject.moduleVersion,
                             purl: rootPurl, hashes: [Hash(alg: "SHA-256", content: subject.sha256)],
                             properties: properties)
        var components: [Component] = []
        var refs: Set<String> = [rootRef]
        for module in info.dependencies {
            let purl = PackageURL.golang(module: module.path, version: module.effectiveVersion)
            var ref = purl
            if !refs.insert(ref).inserted {
                ref += "#\(refs.count)"
                refs.insert(ref)
            }
            var moduleProperties: [Property] = []
            if let sum = module.effectiveSum { moduleProperties.append(Property(name: "shipdeck:go:sum", value: sum)) }
            if let replacement = module.replacement {
                moduleProperties.append(Property(
                    name: "shipdeck:go:replaced-by",
                    value: replacement.path + (replacement.version.map { " \($0)" } ?? "")))
            }
            components.append(Component(
                type: "library", bomRef: ref, name: module.path, version: module.effectiveVersion, purl: purl,
                hashes: module.effectiveSum.flatMap(GoBuildInfo.hexDigest(ofH1:)).map { [Hash(alg: "SHA-256", content: $0)] },
                properties: moduleProperties.isEmpty ? nil : moduleProperties))
        }
        let stdlibPurl = PackageURL.goStandardLibrary(goVersion: info.goVersion)
        components.append(Component(type: "library", bomRef: stdlibPurl, name: "stdlib", version: info.goVersion,
                                    purl: stdlibPurl, hashes: nil, properties: nil))
        let dependencies = [Dependency(ref: rootRef, dependsOn: components.map(\.bomRef))]
            + components.map { Dependency(ref: $0.bomRef, dependsOn: []) }
        return CycloneDXDocument(
            serialNumber: "urn:uuid:\(subject.uuid)",
            metadata: Metadata(
                timestamp: subject.timestamp,
                tools: Tools(components: [Tool(type: "application", name: "shipdeck", version: subject.shipdeckVersion)]),
                component: root),
            components: components, dependencies: dependencies)
    }

    package func encoded() throws -> Data { try SBOMEncoding.encode(self) }
}
