import Foundation

extension CellPipeline {
    /// The optional smoke-test stage: its result can be `skipped` (emulator missing), and its detail
    /// says which check ran, so it reports on its own rather than through `stage(_:_:)`.
    func smokeStage(binary: URL) throws {
        if token.isCancelled { throw StageFailure(message: "cancelled", cancelled: true) }
        hub.emit(.stageStarted(cell: cell.id, attempt: attempt, stage: .smoke))
        let start = Date()
        let test = SmokeTest(
            target: cell.target, host: plan.toolchain.hostTarget, version: plan.info.version,
            arguments: plan.config.smokeArguments, environment: cell.environment)
        var outcome: SmokeTest.Outcome
        do {
            outcome = try test.check(binary: binary) { spec, timeout in try runWithTimeout(spec, timeout: timeout) }
        } catch {
            outcome = SmokeTest.Outcome(result: token.isCancelled ? .cancelled : .failed, detail: "\(error)")
        }
        if token.isCancelled { outcome = SmokeTest.Outcome(result: .cancelled, detail: "cancelled") }
        hub.emit(.log(cell: cell.id, attempt: attempt, lines: ["smoke: \(outcome.detail)"]))
        hub.emit(
            .stageFinished(
                cell: cell.id, attempt: attempt, stage: .smoke, result: outcome.result,
                seconds: Date().timeIntervalSince(start), detail: outcome.detail))
        switch outcome.result {
        case .failed: throw StageFailure(message: "smoke test failed: \(outcome.detail)")
        case .cancelled: throw StageFailure(message: "cancelled", cancelled: true)
        case .succeeded, .skipped: break
        }
    }

    /// Runs a child under its own token, cancelled by the timeout or by the cell's token.
    private func runWithTimeout(_ spec: ProcessSpec, timeout: TimeInterval) throws -> (ProcessResult, String) {
        let local = CancellationToken()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let deadline = Date().addingTimeInterval(timeout)
        timer.schedule(deadline: .now() + 0.2, repeating: 0.2)
        timer.setEventHandler { [token] in
            if token.isCancelled || Date() > deadline { local.cancel() }
        }
        timer.resume()
        defer { timer.cancel() }
        let collected = OutputBox()
        let logURL = dist.logURL(for: cell.id, attempt: attempt)
        let log = FileHandle(forWritingAtPath: logURL.path)
        _ = try? log?.seekToEnd()
        log?.write(Data("$ \(spec.commandLine)\n".utf8))
        hub.emit(.log(cell: cell.id, attempt: attempt, lines: ["$ \(spec.commandLine)"]))
        let result = try ProcessRunner.run(
            spec, cancellation: local,
            raw: { bytes in log?.write(Data(bytes)) },
            lines: { lines in
                collected.append(lines)
                hub.emit(.log(cell: cell.id, attempt: attempt, lines: lines))
            })
        try? log?.close()
        return (result, collected.text)
    }
}

/// Lines a child printed, gathered from the runner's callback.
final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ more: [String]) { lock.withLock { lines += more } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}
