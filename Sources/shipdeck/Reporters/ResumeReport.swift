import Foundation
import ShipdeckEngine

/// `release --resume`: reads the interrupted release's journal and says what is kept and why the
/// rest is rebuilt.
enum ResumeReport {
    /// The cells to keep; exits with the error when the journal cannot be resumed. A dist/ that
    /// does not exist or is empty has nothing to resume: the release simply starts.
    static func load(plan: BuildPlan, printing: Bool) throws -> ResumeIndex? {
        let dist = plan.distDirectory
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dist.path)) ?? []
        if entries.isEmpty {
            if printing {
                emitLine("resume: \(UntrustedText.escape(dist.path)) is empty: nothing to resume, building every cell")
            }
            return nil
        }
        let index: ResumeIndex = try ResumeIndex.load(plan: plan)
        guard printing else { return index }
        for problem in index.problems { emitLine("resume: journal: \(problem)") }
        emitLine("resume: keeping \(index.kept.count) of \(plan.cells.count) cells, rebuilding \(index.reasons.count)")
        for cell in plan.cells {
            if let reason = index.reasons[cell.id] {
                emitLine("resume: [\(cell.id)] rebuild: \(UntrustedText.escape(reason))")
            }
        }
        return index
    }
}
