import Foundation

extension CellPipeline {
    /// Builds the cell again elsewhere and compares; a cell that is not reproducible fails, with
    /// what differs in the stage detail. No-op unless the check was asked for.
    func reproducibilityStage(binary: URL) throws {
        guard plan.trust.reproducible else { return }
        try stage(.reproducibility, report: { StageReport(detail: $0) }) { () throws -> String in
            let outcome = try ReproducibilityCheck(plan: plan, cell: cell, run: { try runLogged($0) }).check(first: binary)
            if outcome.reproducible {
                return
                    "reproducible: a second build elsewhere with an empty GOCACHE has sha256 \(outcome.sha256.prefix(16))"
            }
            let message = "NOT reproducible: " + outcome.differences.joined(separator: "; ")
            hub.emit(.log(cell: cell.id, attempt: attempt, lines: [message]))
            throw StageFailure(message: message)
        }
    }
}
