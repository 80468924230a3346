import Foundation
import ShipdeckModel
import Testing
@testable import ShipdeckTUI

/// The Publish pane of `release --publish` and its keys, on a recorded release.
@Suite("Publish pane")
struct PublishPaneTests {
    let now = RecordedReleases.now + 60

    static let units = [
        PublishUnitInfo(id: "verify", target: "verify", title: "verify dist/"),
        PublishUnitInfo(id: "github:release", target: "github", title: "draft release v1.2.0"),
        PublishUnitInfo(id: "github:asset:a.tar.gz", target: "github", title: "a.tar.gz", bytes: 1_048_576, sha256: "ab"),
        PublishUnitInfo(id: "github:asset:b.zip", target: "github", title: "b.zip", bytes: 2_097_152, sha256: "cd"),
        PublishUnitInfo(id: "github:publish", target: "github", title: "publish release v1.2.0"),
    ]

    /// The finished release, then its publish up to `events`.
    func state(_ events: [EngineEvent]) -> ReleaseState {
        var state = RecordedReleases.finished
        let start = RecordedReleases.start + 40
        for (i, event) in ([.publishStarted(units: Self.units, dryRun: false)] + events).enumerated() {
            state.apply(EventRecord(seq: 1000 + i, time: start + Double(i), event: event))
        }
        return state
    }

    func done(_ id: String, _ detail: String = "ok") -> [EngineEvent] {
        [.publishUnit(unit: id, attempt: 1, phase: .started),
         .publishUnit(unit: id, attempt: 1, phase: .finished(result: .done, seconds: 1, detail: detail))]
    }

    var failedB: [EngineEvent] {
        done("verify") + done("github:release", "created draft v1.2.0") + done("github:asset:a.tar.gz", "uploaded 1.0 MiB")
            + [.publishUnit(unit: "github:asset:b.zip", attempt: 1, phase: .started),
               .publishUnit(unit: "github:asset:b.zip", attempt: 1, phase: .finished(
                   result: .failed, seconds: 1, detail: "GitHub: 503 the disk \u{1b}[2J is on fire\n  hint: later")),
               .publishUnit(unit: "github:publish", attempt: 1, phase: .finished(result: .skipped, seconds: 0, detail: "left a draft")),
               .publishFinished(outcome: .failed, seconds: 5)]
    }

    func frame(_ controller: DashboardController, _ state: ReleaseState, width: Int = 80, height: Int = 24) -> String {
        let screen = GridScreen(width: width, height: height)
        controller.render(state, now: now, on: screen)
        return screen.text
    }

    @Test("uploading shows % and rate; a failure shows the server's words escaped; r on it retries that unit only")
    func showsAndRetries() {
        let commands = RecordingCommands()
        let controller = DashboardController(commands: commands, publishes: true)
        let uploading = state(done("verify") + done("github:release") + [
            .publishUnit(unit: "github:asset:a.tar.gz", attempt: 1, phase: .started),
            .publishUnit(unit: "github:asset:a.tar.gz", attempt: 1, phase: .progress(sent: 524_288, total: 1_048_576)),
        ])
        var text = frame(controller, uploading)
        #expect(text.contains("─ Publish"), "\(text)")
        #expect(text.range(of: #"50% \d+KiB/s +github: a\.tar\.gz"#, options: .regularExpression) != nil, "\(text)")
        #expect(text.contains("queued           github: b.zip"), "\(text)")
        // Every byte handed over, no answer yet: the row says it waits for the server, not 100%.
        let sent = state(done("verify") + done("github:release") + [
            .publishUnit(unit: "github:asset:a.tar.gz", attempt: 1, phase: .started),
            .publishUnit(unit: "github:asset:a.tar.gz", attempt: 1, phase: .progress(sent: 1_048_576, total: 1_048_576)),
        ])
        text = frame(controller, sent)
        #expect(text.contains("sent, confirming github: a.tar.gz"), "\(text)")
        #expect(!text.contains("100%"), "\(text)")

        let failed = state(failedB)
        text = frame(controller, failed, width: 120, height: 30)
        #expect(text.contains("FAILED           github: b.zip  GitHub: 503 the disk \\e[2J is on fire"), "\(text)")
        #expect(!text.contains("\u{1b}"))
        #expect(text.contains("1 to retry: r"), "\(text)")

        // r elsewhere is the cell's retry; in the Publish pane (last in Tab order) the failed unit's.
        controller.handle(.backTab, state: failed, now: now)
        #expect(controller.view.focus == .publish)
        controller.handle(.character("r"), state: failed, now: now)
        #expect(commands.calls == ["retryPublish github:asset:b.zip"])
        controller.handle(.up, state: failed, now: now)
        controller.handle(.character("r"), state: failed, now: now)
        #expect(commands.calls.count == 1, "a done unit is not retried")
        #expect(frame(controller, failed).contains("a.tar.gz is done: only a failed or cancelled upload can be retried"))

        // A unit the publish refuses now: the footer gives its reason (escaped), not "retrying".
        commands.retryAnswer = false
        commands.refusal = "the release is not published yet\u{1b}[2J"
        controller.handle(.down, state: failed, now: now)
        controller.handle(.character("r"), state: failed, now: now)
        text = frame(controller, failed, width: 120, height: 30)
        #expect(text.contains("b.zip cannot be retried now: the release is not published yet"), "\(text)")
        #expect(!text.contains("\u{1b}") && !text.contains("retrying github"), "\(text)")
    }

    @Test("without a publish there is no Publish pane and Tab never stops on it")
    func noPaneWithoutPublish() {
        let controller = DashboardController(commands: RecordingCommands())
        let state = RecordedReleases.finished
        #expect(!frame(controller, state).contains("Publish"))
        for _ in 0..<8 {
            controller.handle(.tab, state: state, now: now)
            #expect(controller.view.focus != .publish)
        }
    }

    @Test("q while publishing asks; y stops the publish and closes once it ended; the exit code counts the publish")
    func quitAndExitCode() {
        let commands = RecordingCommands()
        let controller = DashboardController(commands: commands, publishes: true)
        let running = state(done("verify") + [.publishUnit(unit: "github:release", attempt: 1, phase: .started)])
        _ = frame(controller, running)
        controller.handle(.character("q"), state: running, now: now)
        #expect(controller.view.overlay == .confirmQuit)
        #expect(frame(controller, running).contains("Publishing is under way."))
        controller.handle(.character("y"), state: running, now: now)
        #expect(commands.calls == ["cancelPublish"])
        #expect(controller.exitCode == nil, "it waits for the publish to stop")
        let stopped = state(done("verify") + [
            .publishUnit(unit: "github:release", attempt: 1, phase: .started),
            .publishUnit(unit: "github:release", attempt: 1, phase: .finished(result: .cancelled, seconds: 1, detail: "cancelled")),
            .publishFinished(outcome: .cancelled, seconds: 2),
        ])
        _ = frame(controller, stopped)
        #expect(controller.exitCode == 1)

        // The release succeeded and the publish failed: q closes at once with 1; published: 0.
        let failedController = DashboardController(commands: RecordingCommands(), publishes: true)
        failedController.handle(.character("q"), state: state(failedB), now: now)
        #expect(failedController.exitCode == 1)
        let publishedController = DashboardController(commands: RecordingCommands(), publishes: true)
        publishedController.handle(
            .character("q"),
            state: state(done("verify") + done("github:release") + done("github:asset:a.tar.gz") + done("github:asset:b.zip")
                + done("github:publish") + [.publishFinished(outcome: .succeeded, seconds: 3)]),
            now: now)
        #expect(publishedController.exitCode == 0)
    }
}
