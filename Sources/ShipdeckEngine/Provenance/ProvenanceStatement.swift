import Foundation

/// An in-toto Statement v1 with a SLSA provenance v1 predicate: which files (by digest) were built
/// from which source commit, with which Go, flags and environment. No timestamps of the run go
/// in, so a reproducible release has reproducible provenance.
public struct ProvenanceStatement: Codable, Sendable, Equatable {
    public struct Subject: Codable, Sendable, Equatable {
        public var name: String
        public var digest: [String: String]
    }

    public struct Dependency: Codable, Sendable, Equatable {
        public var uri: String
        public var digest: [String: String]?
        public var name: String?
    }

    public struct CellParameters: Codable, Sendable, Equatable {
        public var target: String
        public var arguments: [String]
        public var env: [String: String]
    }

    public struct ExternalParameters: Codable, Sendable, Equatable {
        public var project: String
        public var version: String
        public var module: String
        public var mainPackage: String
        public var cells: [CellParameters]
    }

    public struct InternalParameters: Codable, Sendable, Equatable {
        public var goVersion: String
        public var sourceDateEpoch: Int64
        public var shipdeckVersion: String
        /// The archive compressors (`ArchiveCompression.description`).
        public var compression: String?
    }

    public struct BuildDefinition: Codable, Sendable, Equatable {
        public var buildType: String
        public var externalParameters: ExternalParameters
        public var internalParameters: InternalParameters
        public var resolvedDependencies: [Dependency]
    }

    public struct Builder: Codable, Sendable, Equatable { public var id: String }
    public struct RunDetails: Codable, Sendable, Equatable { public var builder: Builder }
    public struct Predicate: Codable, Sendable, Equatable {
        public var buildDefinition: BuildDefinition
        public var runDetails: RunDetails
    }

    public static let statementType = "https://in-toto.io/Statement/v1"
    public static let slsaProvenance = "https://slsa.dev/provenance/v1"
    public static let buildType = "https://github.com/shipdeck/shipdeck/go-release/v1"

    public var _type: String
    public var subject: [Subject]
    public var predicateType: String
    public var predicate: Predicate

    /// The statement for a release's artifacts.
    /// - Parameters:
    ///   - goModules: the Go modules compiled in (`goModuleDependencies`), listed as resolved dependencies.
    ///   - remote: the `origin` remote of the source checkout, for the source URI.
    static func make(plan: BuildPlan, artifacts: [ArtifactRecord], goModules: [Dependency] = [],
                     remote: String? = nil) -> ProvenanceStatement {
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
                shipdeckVersion: Shipdeck.version, compression: plan.info.compression),
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
