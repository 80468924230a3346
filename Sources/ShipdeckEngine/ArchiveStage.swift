import Foundation

/// Packages a cell's binary as its configured archive.
struct ArchiveStage {
    let plan: BuildPlan
    let cell: CellPlan

    func write(binary: URL, into work: URL) throws -> (url: URL, name: String) {
        throw ShipdeckError(.io, "archive format \(cell.archiveFormat.rawValue) is not implemented yet")
    }
}
