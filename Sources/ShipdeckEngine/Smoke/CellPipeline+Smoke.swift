import Foundation

extension CellPipeline {
    /// The optional smoke-test stage: its result can be `skipped` (emulator missing), and its
    /// detail says which check ran (native, qemu, wine, header).
    func smokeStage(binary: URL) throws {
        let test = SmokeTest(
            target: cell.target, host: plan.toolchain.hostTarget, version: plan.info.version,
            arguments: plan.config.smokeArguments, environment: cell.environment)
        try stage(.smoke, report: { (outcome: SmokeTest.Outcome) in
            hub.emit(.log(cell: cell.id, attempt: attempt, lines: ["smoke: \(outcome.detail)"]))
            return StageReport(
                result: outcome.result, detail: outcome.detail, failure: "smoke test failed: \(outcome.detail)")
        }) {
            try test.check(binary: binary) { spec, timeout in
                let collected = OutputBox()
                let result = try runLogged(spec, timeout: timeout, collect: collected)
                if let failure = stopped() { throw failure }
                return (result, collected.text)
            }
        }
    }
}

/// Lines a child printed, gathered from the runner's callback.
final class OutputBox: @unchecked Sendable {
    // `lock` guards `lines`.
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ more: [String]) { lock.withLock { lines += more } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}
