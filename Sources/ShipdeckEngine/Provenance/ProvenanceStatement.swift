import Foundation

/// An in-toto Statement v1 with a SLSA provenance v1 predicate: which files (by digest) were built
/// from which source commit, with which Go, flags and environment. No timestamps of the run go
/// in, so a reproducible release has reproducible provenance.
package struct ProvenanceStatement: Codable, Sendable, Equatable {
    package struct Subject: Codable, Sendable, Equatable {
        package var name: String
        package var digest: [String: String]
    }

    package struct Dependency: Codable, Sendable, Equatable {
        package var uri: String
        package var digest: [String: String]?
        package var name: String?
    }

    package struct CellParameters: Codable, Sendable, Equatable {
        package var target: String
        package var arguments: [String]
        package var env: [String: String]
    }

    package struct ExternalParameters: Codable, Sendable, Equatable {
        package var project: String
        package var version: String
        package var module: String
        package var mainPackage: String
        package var cells: [CellParameters]
    }

    package struct InternalParameters: Codable, Sendable, Equatable {
        package var goVersion: String
        package var sourceDateEpoch: Int64
        package var shipdeckVersion: String
        /// The archive compressors (`ArchiveCompression.description`).
        package var compression: String?
        /// Cells whose binary this release took from the artifact cache, with the build that made
        /// it; absent when every binary was built by this release.
        package var cachedBuilds: [CachedBuild]? = nil
    }

    /// A binary reused from the artifact cache: its cache key and bytes, and the original build.
    package struct CachedBuild: Codable, Sendable, Equatable {
        package var target: String
        package var cacheKey: String
        package var sha256: String
        package var builtAt: String
        package var builtForVersion: String
        package var builtAtCommit: String?
        package var builtByShipdeck: String
    }

    package struct BuildDefinition: Codable, Sendable, Equatable {
        package var buildType: String
        package var externalParameters: ExternalParameters
        package var internalParameters: InternalParameters
        package var resolvedDependencies: [Dependency]
    }

    package struct Builder: Codable, Sendable, Equatable { package var id: String }
    package struct RunDetails: Codable, Sendable, Equatable { package var builder: Builder }
    package struct Predicate: Codable, Sendable, Equatable {
        package var buildDefinition: BuildDefinition
        package var runDetails: RunDetails
    }

    package static let statementType = "https://in-toto.io/Statement/v1"
    package static let slsaProvenance = "https://slsa.dev/provenance/v1"
    package static let buildType = "https://github.com/shipdeck/shipdeck/go-release/v1"

    package var _type: String
    package var subject: [Subject]
    package var predicateType: String
    package var predicate: Predicate

    /// The statement for a release's artifacts.
    /// - Parameters:
    ///   - goModules: the Go modules compiled in (`goModuleDependencies`), listed as resolved dependencies.
    ///   - remote: the `origin` remote of the source checkout, for the source URI.
    static func make(plan: BuildPlan, artifacts: [ArtifactRecord], goModules: [Dependency] = [],
                     remote: String? = nil, cached: [String: ArtifactCacheEntry] = [:]) -> ProvenanceStatement {
        let cells = plan.cells.map {
            CellParameters(
                target: $0.id, arguments: $0.goArguments(output: $0.binaryName, mainPackage: plan.mainPackage),
                env: $0.cellEnvironment)
        }
        var dependencies: [Dependency] = []
        if let commit = plan.source.commit {
            dependencies.append(
                Dependency(
                    uri: sourceURI(modulePath: plan.source.modulePath, remote: remote, commit: commit),
                    digest: ["gitCommit": commit],
                    name: "source"))
        }
        dependencies.append(
            Dependency(uri: "pkg:golang/go@\(plan.toolchain.version)", digest: nil, name: "go toolchain"))
        dependencies += goModules
        let definition = BuildDefinition(
            buildType: buildType,
            externalParameters: ExternalParameters(
                project: plan.info.project, version: plan.info.version,
                module: plan.source.modulePath, mainPackage: plan.mainPackage,
                cells: cells),
            internalParameters: InternalParameters(
                goVersion: plan.toolchain.version, sourceDateEpoch: plan.info.sourceDateEpoch,
                shipdeckVersion: Shipdeck.version, compression: plan.info.compression,
                cachedBuilds: cached.isEmpty ? nil : cached.sorted { $0.key < $1.key }.map { id, entry in
                    CachedBuild(
                        target: id, cacheKey: entry.key, sha256: entry.sha256, builtAt: entry.build.builtAt,
                        builtForVersion: entry.build.version, builtAtCommit: entry.build.commit,
                        builtByShipdeck: entry.build.shipdeckVersion)
                }),
            resolvedDependencies: dependencies)
        return ProvenanceStatement(
            _type: statementType,
            subject: artifacts.sorted { $0.name < $1.name }.map {
                Subject(name: $0.name, digest: ["sha256": $0.sha256])
            },
            predicateType: slsaProvenance,
            predicate: Predicate(
                buildDefinition: definition,
                runDetails: RunDetails(
                    builder: Builder(id: "https://github.com/shipdeck/shipdeck@v\(Shipdeck.version)"))))
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// `<project>_<version>.intoto.jsonl`
    static func fileName(_ info: ReleaseInfo) -> String { "\(info.project)_\(info.version).intoto.jsonl" }
}
