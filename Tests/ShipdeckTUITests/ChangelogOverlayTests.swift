import Foundation
import ShipdeckModel
import Testing
@testable import ShipdeckTUI

/// `L`: the release notes from dist/CHANGELOG.md in an overlay, escaped, scrollable, closed by any other key.
@Suite("Changelog overlay")
struct ChangelogOverlayTests {
    let now = RecordedReleases.now

    /// A started release, with its dist/ in a temp folder that holds `changelog` (if any).
    func state(changelog: String?) throws -> ReleaseState {
        let dist = FileManager.default.temporaryDirectory.appendingPathComponent("shipdeck-changelog-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dist, withIntermediateDirectories: true)
        if let changelog { try changelog.write(to: dist.appendingPathComponent("CHANGELOG.md"), atomically: true, encoding: .utf8) }
        var info = RecordedReleases.info()
        info.distDirectory = dist.path
        var recorder = RecordedReleases.Recorder()
        recorder.add(0, .releaseStarted(info))
        return recorder.state()
    }

    func frame(_ controller: DashboardController, _ state: ReleaseState) -> String {
        let screen = GridScreen(width: 80, height: 24)
        controller.render(state, now: now, on: screen)
        return screen.text
    }

    @Test("L shows CHANGELOG.md with escapes; scrolling moves it; another key closes it")
    func showsScrollsAndCloses() throws {
        let entries = (1...40).map { "* \(String(format: "%07x", $0)) change \($0)" }
        let state = try state(changelog: "## Changelog\n* abc1234 evil \u{1b}]52;c;AAAA\u{07} title\n" + entries.joined(separator: "\n") + "\n")
        let controller = DashboardController(commands: RecordingCommands())
        _ = frame(controller, state)
        controller.handle(.character("L"), state: state, now: now)
        var text = frame(controller, state)
        #expect(text.contains("Changelog"))
        #expect(text.contains("evil \\e]52;c;AAAA\\x07 title"), "\(text)")
        #expect(!text.contains("\u{1b}"))
        #expect(text.contains("lines 1–18 of 42"), "\(text)")
        controller.handle(.pageDown, state: state, now: now)
        text = frame(controller, state)
        #expect(text.contains("change 17") && !text.contains("evil"), "\(text)")
        controller.handle(.character("G"), state: state, now: now)
        #expect(frame(controller, state).contains("change 40"))
        controller.handle(.character("x"), state: state, now: now)
        #expect(controller.view.overlay == nil)
        #expect(!frame(controller, state).contains("change 40"))
    }

    @Test("without a CHANGELOG.md, L says how to get one")
    func saysWhenThereIsNone() throws {
        let state = try state(changelog: nil)
        let controller = DashboardController(commands: RecordingCommands())
        _ = frame(controller, state)
        controller.handle(.character("L"), state: state, now: now)
        #expect(controller.view.overlay == nil)
        #expect(frame(controller, state).contains("no CHANGELOG.md in dist/"))
    }
}
