import Foundation

/// The release as planned, sent first so every observer (and every journal reader) can lay it out.
public struct ReleaseInfo: Codable, Sendable, Hashable {
    public var project: String
    public var version: String
    public var commit: String?
    public var goVersion: String
    public var sourceDateEpoch: Int64
    public var distDirectory: String
    public var shipdeckVersion: String
    public var cells: [CellInfo]
    /// One line per configured signer (`minisign: checksums`), empty when signing is not configured.
    public var signers: [String]
    /// The archive compressors and their levels (`libdeflate 1.14 on 1 MiB pieces at level 7 or …`), so releases whose
    /// archive bytes differ can be told apart by compressor. Absent in journals of earlier versions.
    public var compression: String?
    /// Seconds each cell took in earlier releases (by cell id; cells never seen are absent), for the
    /// dashboard's estimate of the time left. Nil in journals written before it existed.
    public var expectedSeconds: [String: Double]?
    /// How many cells may build at once (`--parallelism`); nil when not known.
    public var parallelism: Int?

    public init(project: String, version: String, commit: String?, goVersion: String, sourceDateEpoch: Int64,
                distDirectory: String, shipdeckVersion: String, cells: [CellInfo], signers: [String] = [], compression: String? = nil,
                expectedSeconds: [String: Double]? = nil, parallelism: Int? = nil) {
        self.expectedSeconds = expectedSeconds
        self.parallelism = parallelism
        self.project = project
        self.version = version
        self.commit = commit
        self.goVersion = goVersion
        self.sourceDateEpoch = sourceDateEpoch
        self.distDirectory = distDirectory
        self.shipdeckVersion = shipdeckVersion
        self.cells = cells
        self.signers = signers
        self.compression = compression
    }

    public var shortCommit: String? { commit.map { String($0.prefix(7)) } }
}
