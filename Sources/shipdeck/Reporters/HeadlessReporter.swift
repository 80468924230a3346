import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import ShipdeckEngine

/// Writes text to stdout and flushes, so CI logs and pipes see each line as it happens. Once
/// stdout is closed (EPIPE: `| head -3` exited) nothing more is written and `onClosed` runs once.
func emitLine(_ text: String) {
    StandardOutput.write(text + "\n")
}

/// The readable line output of a headless release (ninja's dumb-terminal printer, as it were).
/// Every piece of untrusted text passes through `UntrustedText.escape`.
final class HeadlessReporter: ReleaseObserver, Sendable {
    let githubActions: Bool
    /// Log lines shown for a failed cell in the summary.
    let failureTail = 20

    init(githubActions: Bool) { self.githubActions = githubActions }

    func release(didEmit record: EventRecord, state: ReleaseState) {
        let e = UntrustedText.escape
        switch record.event {
        case .releaseStarted(let info):
            var head = "shipdeck: releasing \(e(info.project)) \(e(info.version))"
            if let commit = info.shortCommit { head += " (\(commit))" }
            head += " with \(e(info.goVersion)): \(info.cells.count) cells"
            emitLine(head)
            if !info.signers.isEmpty { emitLine("signers: \(info.signers.map(e).joined(separator: "; "))") }
        case .warning(let text):
            emitLine("warning: \(e(text))")
        case .cellFingerprint(let cell, _, _, let reused) where reused:
            emitLine("[\(cell)] kept from the interrupted release (inputs and files unchanged)")
        case .stageStarted(let cell, let attempt, let stage):
            emitLine("[\(cell)] \(stage.rawValue) started\(attempt > 1 ? " (attempt \(attempt))" : "")")
        case .stageFinished(let cell, _, let stage, let result, let seconds, let detail):
            var line = "[\(cell)] \(stage.rawValue) \(Self.word(result)) (\(DurationText.format(seconds)))"
            // The smoke stage's detail says which check ran (native, qemu, wine, header), so it is shown always.
            if let detail, result != .succeeded || stage == .smoke { line += ": \(Self.escapedError(detail))" }
            emitLine(line)
        case .cellFinished(let id, let attempt, let status, let seconds, let error):
            let cell = state.cell(id)
            if githubActions, let cell {
                emitLine("::group::\(id) log (attempt \(attempt))")
                // Build output is not ours: between stop-commands and its token, a line such as
                // `::endgroup::` or `::add-mask::` from a build is shown, never obeyed.
                let token = "shipdeck-\(UUID().uuidString.lowercased())"
                emitLine("::stop-commands::\(token)")
                for line in cell.log.ordered { emitLine(e(line)) }
                emitLine("::\(token)::")
                emitLine("::endgroup::")
            }
            var line = "[\(id)] \(status.rawValue) in \(DurationText.format(seconds))"
            if let error, status != .succeeded { line += ": \(Self.escapedError(error))" }
            if let binary = cell?.artifacts.first { line += "  sha256 \(binary.sha256.prefix(12))" }
            emitLine(line)
            if githubActions, status == .failed {
                emitLine("::error title=\(id) failed::\(Self.githubEscape(e(error ?? "failed")))")
            }
        case .stepFinished(let step, let result, let seconds, let detail):
            var line = "\(step.rawValue) \(Self.word(result)) (\(DurationText.format(seconds)))"
            if let detail { line += ": \(e(detail))" }
            emitLine(line)
        case .signature(let signature)
        where signature.state == .verified || signature.state == .failed
            || (signature.state == .signed && signature.detail != nil):  // signed, not checked (no verify_command)
            emitLine("signature \(signature.state.rawValue): \(e(signature.file)) by \(e(signature.signer))"
                + (signature.detail.map { ": \(e($0))" } ?? ""))
        case .interrupted(let signal):
            emitLine("shipdeck: \(e(signal)) received: stopping every cell")
        case .releaseFinished(let outcome, let seconds):
            emitLine(summary(state, outcome: outcome, seconds: seconds))
        default:
            break
        }
    }

    /// An error's text, escaped, with its hint on a line of its own: `ShipdeckError` joins the two
    /// with "\n  hint: ", and only its last such join is kept as a line break (a file name that
    /// holds one is escaped like any other text).
    static func escapedError(_ text: String) -> String {
        guard let join = text.range(of: "\n  hint: ", options: .backwards) else { return UntrustedText.escape(text) }
        return UntrustedText.escape(String(text[..<join.lowerBound])) + "\n  hint: "
            + UntrustedText.escape(String(text[join.upperBound...]))
    }

    static func word(_ result: StageResult) -> String {
        switch result {
        case .succeeded: return "ok"
        case .failed: return "FAILED"
        case .skipped: return "skipped"
        case .cancelled: return "cancelled"
        case .cached: return "cached"
        }
    }

    static func githubEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// The final table and, for each failed cell, its last log lines.
    /// `died`: `watch` found the release's process `died` gone before the journal's end.
    func summary(_ state: ReleaseState, outcome: ReleaseOutcome, seconds: Double, died: Int32? = nil) -> String {
        let e = UntrustedText.escape
        let width = max(12, state.cells.map(\.id.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var out = "\nSummary\n"
        out += "  \(pad("CELL", width))  \(pad("STATUS", 10))  \(pad("DURATION", 9))  SHA256\n"
        for cell in state.cells {
            let duration = cell.elapsed(now: state.finishedAt ?? 0).map(DurationText.format) ?? "-"
            let hash = cell.artifacts.first.map { String($0.sha256.prefix(16)) } ?? "-"
            // A cell whose binary came from the artifact cache says so: `succeeded` alone would claim a build.
            let status = cell.status == .succeeded && cell.result(of: .build) == .cached ? "cached" : cell.status.rawValue
            out += "  \(pad(cell.id, width))  \(pad(status, 10))  \(pad(duration, 9))  \(hash)\n"
        }
        for cell in state.cells where cell.status == .failed {
            out += "\n\(cell.id) failed: \(Self.escapedError(cell.error ?? "unknown error"))\n"
            let lines = cell.log.ordered.suffix(failureTail)
            if !lines.isEmpty {
                out += "  last \(lines.count) log lines (full log: \(e(DistFolder(url: URL(fileURLWithPath: state.info?.distDirectory ?? ".")).logURL(for: cell.id, attempt: cell.attempt).path))):\n"
                for line in lines { out += "    \(e(line))\n" }
            }
        }
        let checked = state.cells.filter { $0.result(of: .reproducibility) != nil }
        if !checked.isEmpty {
            let same = checked.filter { $0.result(of: .reproducibility) == .succeeded }
            out += "\nreproducible: \(same.count) of \(checked.count) cells"
            let differing = checked.filter { $0.result(of: .reproducibility) == .failed }.map(\.id)
            if !differing.isEmpty { out += " (not reproducible: \(differing.joined(separator: ", ")))" }
            out += "\n"
        }
        // Where the time went, for CI logs (the dashboard's `t`, dist/timeline.svg as text).
        let timeline = ReleaseTimeline(state: state, now: state.finishedAt ?? 0)
        if timeline.duration > 0, !timeline.rows.isEmpty {
            out += "\nTimeline\n"
            for line in timeline.textChart(width: 50) { out += "  \(line)\n" }
        }
        let ok = state.count(.succeeded), total = state.cells.count
        switch outcome {
        case .succeeded:
            out += "\nrelease succeeded: \(ok) of \(total) cells in \(DurationText.format(seconds))"
        case .failed:
            let failedSteps = state.steps.filter { $0.value.result == .failed }.map(\.key.rawValue).sorted()
            out += "\nrelease FAILED: \(state.count(.failed)) of \(total) cells failed"
            if !failedSteps.isEmpty { out += "; failed steps: \(failedSteps.joined(separator: ", "))" }
            // Stopped for a reason no cell or step owns (its journal could not be written): the last warning says it.
            if failedSteps.isEmpty, state.count(.failed) == 0, let last = state.warnings.last { out += "; \(e(last))" }
        case .cancelled:
            out += "\nrelease cancelled: \(state.count(.cancelled)) of \(total) cells cancelled"
        case .interrupted where died != nil:
            out += "\nrelease DIED (its process \(died ?? 0) was killed or crashed) after "
                + "\(DurationText.format(seconds)): \(ok) of \(total) cells had succeeded"
        case .interrupted:
            out += "\nrelease interrupted\(state.interruptedBy.map { " by \(e($0))" } ?? "") after \(DurationText.format(seconds)): \(ok) of \(total) cells had succeeded"
        }
        return out
    }
}
