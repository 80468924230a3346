import Foundation
import Testing
@testable import ShipdeckEngine

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// SIGINT and SIGTERM during a release: every child tree ends, the journal gets a final
/// "interrupted" event, and shipdeck exits non-zero within 3 seconds.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SignalEndToEndTests {
    typealias S = WatchTestsSupport

    @Test(arguments: [SIGINT, SIGTERM])
    func signalStopsEveryChildTreeAndExitsWithinThreeSeconds(_ signal: Int32) throws {
        let module = TestSupport.copyFixture("journal-hello")
        let pids = module.deletingLastPathComponent().appendingPathComponent("pids")
        let marker = S.marker(60)
        let go = try S.slowGo(seconds: marker, pidFile: pids)
        let dist = module.deletingLastPathComponent().appendingPathComponent("dist")
        let releaser = try S.Background.shipdeck(
            ["release", "--no-tui", "--go", go.path, "--parallelism", "2", "--dist", dist.path], in: module)
        // Two cells building: two wrappers, each with its sleeping child.
        #expect(S.waitFor(60) { S.processes(matching: "sleep \(marker)").count == 2 })
        let wrappers = S.pids(in: pids)
        #expect(wrappers.count == 2)

        let sent = Date()
        releaser.kill(signal)
        let status = releaser.wait(3)
        let took = Date().timeIntervalSince(sent)
        #expect(status == 130, "status \(String(describing: status)) after \(took)s: \(releaser.stdout)\(releaser.stderr)")
        #expect(took < 3)
        if status == nil { releaser.kill(SIGKILL) }

        #expect(S.processes(matching: "sleep \(marker)").isEmpty)
        #expect(wrappers.allSatisfy { !S.isRunning($0) })
        let events = S.events(dist.appendingPathComponent(JournalHeader.fileName))
        guard case .releaseFinished(let outcome, _)? = events.last else {
            Issue.record("the journal does not end with releaseFinished: \(String(describing: events.last))")
            return
        }
        #expect(outcome == .interrupted)
        #expect(releaser.stdout.contains("release interrupted"))
    }
}
