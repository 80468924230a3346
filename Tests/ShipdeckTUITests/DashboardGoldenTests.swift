import ShipdeckModel
import Testing
@testable import ShipdeckTUI

/// Golden text snapshots of whole frames (text, then one style letter per column).
@Suite("Dashboard golden frames")
struct DashboardGoldenTests {
    static func frame(_ state: ReleaseState, width: Int, height: Int, readOnly: Bool = false,
                      setup: (DashboardController) -> Void = { _ in }) -> GridScreen {
        let controller = DashboardController(commands: readOnly ? nil : RecordingCommands())
        setup(controller)
        let screen = GridScreen(width: width, height: height)
        controller.render(state, now: RecordedReleases.now, on: screen)
        return screen
    }

    static func golden(_ screen: GridScreen) -> String { screen.text + "\n--- styles ---\n" + screen.styles }

    @Test("a running release at 80x24", arguments: [(80, 24), (120, 40)])
    func running(size: (Int, Int)) {
        let screen = Self.frame(RecordedReleases.running, width: size.0, height: size.1)
        GoldenFile.check("running-\(size.0)x\(size.1)", Self.golden(screen))
    }

    @Test("a failed release", arguments: [(80, 24), (120, 40)])
    func failed(size: (Int, Int)) {
        let screen = Self.frame(RecordedReleases.failed, width: size.0, height: size.1)
        GoldenFile.check("failed-\(size.0)x\(size.1)", Self.golden(screen))
    }

    @Test("a finished release after a retry, with signing", arguments: [(80, 24), (120, 40)])
    func finished(size: (Int, Int)) {
        let screen = Self.frame(RecordedReleases.finished, width: size.0, height: size.1)
        GoldenFile.check("finished-\(size.0)x\(size.1)", Self.golden(screen))
    }

    @Test("below the minimum size the layout is replaced by a message")
    func tooSmall() {
        let screen = Self.frame(RecordedReleases.running, width: 40, height: 10)
        #expect(screen.text.contains("terminal too small (need 60×16)"))
        GoldenFile.check("too-small-40x10", Self.golden(screen))
    }

    @Test("read-only mode shows the badge and hides the mutating keys")
    func readOnly() {
        let screen = Self.frame(RecordedReleases.running, width: 80, height: 24, readOnly: true)
        #expect(screen.lines[0].contains("READ-ONLY"))
        #expect(!screen.lines[23].contains("retry"))
        GoldenFile.check("read-only-80x24", Self.golden(screen))
    }

    @Test("watch of a release whose process died shows DIED, not RUNNING, and quitting returns 1")
    func writerDied() {
        let state = RecordedReleases.running
        let controller = DashboardController(commands: nil)
        controller.watchEnd = .writerDied(pid: 4242)
        let screen = GridScreen(width: 80, height: 24)
        controller.render(state, now: RecordedReleases.now, on: screen)
        #expect(screen.lines[0].contains("✘ DIED"), "\(screen.lines[0])")
        #expect(!screen.lines[0].contains("RUNNING"))
        GoldenFile.check("writer-died-80x24", Self.golden(screen))
        controller.handle(.character("q"), state: state, now: RecordedReleases.now)
        #expect(controller.exitCode == 1)
        // Without the death, quitting a watch of a release that has not finished is not a success either.
        let unfinished = DashboardController(commands: nil)
        unfinished.handle(.character("q"), state: state, now: RecordedReleases.now)
        #expect(unfinished.exitCode == 1)
        let succeeded = DashboardController(commands: nil)
        succeeded.handle(.character("q"), state: RecordedReleases.finished, now: RecordedReleases.now)
        #expect(succeeded.exitCode == 0)
    }

    @Test("the help overlay lists every key")
    func help() {
        let state = RecordedReleases.running
        let screen = Self.frame(state, width: 80, height: 24) { $0.handle(.character("?"), state: state, now: RecordedReleases.now) }
        for key in ["Tab", "Enter", "retry the selected", "every failed one", "cancel the selected", "search the whole log",
                    "n  N", "follow", "g G", "PgUp", "quit", "earlier attempts", "wrap long", "zoom", "$PAGER", "OSC 52",
                    "timeline", "wheel scrolls", "--no-mouse", "release notes"] {
            #expect(screen.text.contains(key), "help lacks \(key)")
        }
        GoldenFile.check("help-80x24", Self.golden(screen))
    }

    @Test("the help fits at 60x20 with every key")
    func helpSmall() {
        let state = RecordedReleases.running
        let screen = Self.frame(state, width: 60, height: 20) { $0.handle(.character("?"), state: state, now: RecordedReleases.now) }
        #expect(screen.text.contains("q  ?"), "\(screen.text)")
        #expect(screen.text.contains("mouse"))
        for (_, text) in OverlayView.keyLines(readOnly: false, glyphs: .unicode) {
            #expect(screen.text.contains(text), "cut at 60 columns: \(text)")
        }
    }

    @Test("after a retry the steps that ran show as waiting to run again, and the clock resumes", arguments: [(80, 24)])
    func retrying(size: (Int, Int)) {
        var r = RecordedReleases.started()
        RecordedReleases.failWindows(&r)
        for (i, target) in RecordedReleases.targets.enumerated() where target.goos != "windows" {
            RecordedReleases.succeed(&r, target, from: Double(i), to: Double(10 + i * 3), seed: Character(String(i)))
        }
        RecordedReleases.steps(&r, at: 26)
        r.add(27, .releaseFinished(outcome: .failed, seconds: 27))
        // Idle from 27 s to 40 s, then a retry: 2 s of it so far at `now` (42 s).
        r.add(40, .cellQueued(cell: "windows/amd64", attempt: 2))
        r.add(40, .stageStarted(cell: "windows/amd64", attempt: 2, stage: .build))
        let screen = Self.frame(r.state(), width: size.0, height: size.1)
        #expect(screen.lines[0].contains("29.0s"), "27 s of work, then 2 s of the retry: \(screen.lines[0])")
        #expect(screen.lines[1].contains("· checksums") && screen.lines[1].contains("will run again"), "\(screen.lines[1])")
        GoldenFile.check("retrying-\(size.0)x\(size.1)", Self.golden(screen))
    }

    @Test("the timeline shows every cell's stages and the steps on the release's time axis", arguments: [(80, 24), (120, 40)])
    func timeline(size: (Int, Int)) {
        let state = RecordedReleases.finished
        let screen = Self.frame(state, width: size.0, height: size.1) { $0.handle(.character("t"), state: state, now: RecordedReleases.now) }
        #expect(screen.text.contains("Timeline"))
        #expect(screen.text.contains("ended last: windows/amd64"))
        #expect(screen.text.contains("checksums"))
        GoldenFile.check("timeline-\(size.0)x\(size.1)", Self.golden(screen))
    }

    @Test("a skipped step has its own glyph, which the help's legend names", arguments: [(80, 24)])
    func skippedStep(size: (Int, Int)) {
        var r = RecordedReleases.started()
        for (i, target) in RecordedReleases.targets.enumerated() {
            RecordedReleases.succeed(&r, target, from: Double(i), to: Double(10 + i * 3), seed: Character(String(i)))
        }
        RecordedReleases.steps(&r, at: 26)
        r.add(26, .stepStarted(step: .provenance))
        r.add(26, .stepFinished(step: .provenance, result: .skipped, seconds: 0, detail: "no native signer"))
        r.add(27, .releaseFinished(outcome: .succeeded, seconds: 27))
        let state = r.state()
        let screen = Self.frame(state, width: size.0, height: size.1)
        #expect(screen.lines[1].contains("↷ provenance"), "\(screen.lines[1])")
        #expect(screen.lines[1].contains("✔ checksums"), "\(screen.lines[1])")
        GoldenFile.check("skipped-step-\(size.0)x\(size.1)", Self.golden(screen))
        for (width, height) in [(80, 24), (60, 20)] {
            let help = Self.frame(state, width: width, height: height) {
                $0.handle(.character("?"), state: state, now: RecordedReleases.now)
            }
            #expect(help.text.contains("↷ skipped"), "\(width)x\(height): \(help.text)")
            #expect(help.text.contains("⊘ cancelled"), "\(width)x\(height)")
        }
    }

    @Test("every size from the minimum up draws without losing the header or footer")
    func sizes() {
        for width in stride(from: 60, through: 200, by: 7) {
            for height in stride(from: 16, through: 60, by: 5) {
                let screen = Self.frame(RecordedReleases.running, width: width, height: height)
                #expect(screen.lines[0].contains("hello 1.2.0"), "\(width)x\(height)")
                #expect(screen.lines[height - 1].contains("quit") || screen.lines[height - 1].contains("help"),
                        "\(width)x\(height)")
            }
        }
    }
}
