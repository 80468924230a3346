import Foundation

/// What a front end needs to know about one planned cell.
public struct CellInfo: Codable, Sendable, Hashable {
    public var id: String
    public var target: BuildTarget
    /// Base name of the cell's artifacts: `<project>_<version>_<goos>_<arch>`.
    public var artifactBase: String
    public var cgo: Bool

    public init(id: String, target: BuildTarget, artifactBase: String, cgo: Bool = false) {
        self.id = id
        self.target = target
        self.artifactBase = artifactBase
        self.cgo = cgo
    }
}
