import Foundation
import Testing

/// `release --publish` in the real dashboard (tmux) against the local GitHub stand-in: the publish
/// runs while the dashboard is open, the Publish pane shows each unit (queued, % and rate or sent and
/// waiting for the server, done, FAILED with the server's words), `r` there retries a failed upload,
/// and the exit code counts the publish. The release itself is resumed from a finished dist/, so no
/// cell builds again.
@Suite("Publish pane in tmux", .serialized, .ownThreads)
struct PublishDashboardTmuxTests {
    let release = PublishableRelease.shared

    func start(_ server: GitHubStandIn, faults: [[String: Any]], publish extra: String = "") throws -> (DashboardTmuxTests.Tmux, URL) {
        try server.inject(faults)
        let module = release.copy(publish: server.publishYAML() + extra)
        let tmux = try DashboardTmuxTests.Tmux(
            width: 120, height: 36, directory: module,
            environment: ["SHIPDECK_TEST_GITHUB_TOKEN=\(GitHubStandIn.token)", "SHIPDECK_TEST_RETRY_BASE_MS=50"])
        tmux.type("\(DashboardTmuxTests.shipdeck) release --resume --publish; echo \"EXIT=$?\"")
        return (tmux, module)
    }

    /// Ctrl-C or SIGTERM while the dashboard publishes: the upload stops, the release stays a draft,
    /// the terminal is restored and the exit status is 128 + the signal.
    @Test("a signal during the publish stops it, leaves a draft and exits 128 + the signal", arguments: ["INT", "TERM"])
    func aSignalDuringThePublishLeavesADraft(signal: String) throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let (tmux, _) = try start(server, faults: [["throttle": 100_000]])
        defer { tmux.kill() }
        #expect(try server.wait { $0.uploading > 0 }, "no upload started:\n\(tmux.capture())")
        #expect(tmux.waitFor { $0.contains("─ Publish") }, "\(tmux.capture())")
        if signal == "INT" {
            tmux.press("C-c")
        } else {
            let shell = tmux.display("#{pane_pid}")
            let child = DashboardTmuxTests.Tmux.spawn(["/usr/bin/pgrep", "-P", shell, "-x", "shipdeck"]).stdout
                .split(separator: "\n").first.map(String.init) ?? ""
            #expect(!child.isEmpty, "shipdeck's pid not found")
            _ = DashboardTmuxTests.Tmux.spawn(["/bin/kill", "-TERM", child])
        }
        let status = signal == "INT" ? "EXIT=130" : "EXIT=143"
        #expect(tmux.waitFor(timeout: 30) { $0.contains(status) }, "not stopped by the signal:\n\(tmux.capture())")
        #expect(!tmux.capture().contains("─ Publish"))
        tmux.type("stty -a | tr ' ' '\\n' | grep -x -e echo -e icanon | sort | tr '\\n' ' '; echo")
        #expect(tmux.waitFor("echo icanon"), "the terminal modes were not restored:\n\(tmux.capture())")
        try server.inject([["throttle": 0]])
        let state = try server.state()
        #expect(state.releases.count == 1 && state.releases.first?.draft == true, "\(state.releases)")
        #expect(!state.log.contains { $0.method == "PATCH" }, "the release was published: \(state.log)")
    }

    @Test("uploads show their progress; a failed upload shows the server's words; r retries it; the release is published, then the formula, and q exits 0")
    func aFailedUploadIsRetriedWithR() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let taps = TestSupport.temporaryDirectory("retry-tap")
        let tap = try TapPublishEndToEndTests().bareRepository("homebrew-tap", in: taps, seeded: true)
        // Uploads slow enough to watch; checksums.txt fails every attempt of its first try.
        let (tmux, module) = try start(server, faults: [
            ["throttle": 400_000],
            ["method": "POST", "path": "/assets", "name": "checksums", "times": 5, "status": 503,
             "body": ["message": "the disk is on fire"]],
        ], publish: "  homebrew:\n    tap: \(tap.path)\n    description: Says hello\n    license: MIT\n")
        defer { tmux.kill() }

        // A running upload shows its % and rate while bytes go out, then "sent, confirming" until the
        // server answers. On loopback the socket buffers can take a whole asset of this release at
        // once, so either may be all there is to see.
        let uploading = tmux.waitFor { screen in
            screen.contains("─ Publish")
                && (screen.range(of: #"\d+% \d+(\.\d)?[KM]iB/s +github: "#, options: .regularExpression) != nil
                    || screen.range(of: #"sent, confirming github: hello_"#, options: .regularExpression) != nil)
        }
        #expect(uploading, "no running upload with % and rate or waiting for the server:\n\(tmux.capture())")
        let failed = tmux.waitFor { $0.contains("FAILED") && $0.contains("the disk is on fire") && $0.contains("to retry: r") }
        #expect(failed, "no failed unit with the server's words:\n\(tmux.capture())")
        #expect(tmux.waitFor { $0.contains("left a draft") }, "\(tmux.capture())")
        var state = try server.state()
        #expect(state.releases.first?.draft == true)
        #expect(state.uploads(of: "checksums.txt") == 0)
        #expect(!tmux.capture().contains("EXIT="), "the dashboard closed by itself")
        // The formula waits for the published release: nothing pushed to the tap.
        let before = TestSupport.run("/usr/bin/git", ["--git-dir", tap.path, "log", "--oneline", "main"], in: taps)
        #expect(before.status == 0 && before.stdout.split(separator: "\n").count == 1, "\(before.combined)")

        // The Publish pane is the last in the Tab order; its selection is on the failed unit.
        try server.inject([["throttle": 0]])
        tmux.press("BTab")
        tmux.press("r")
        let published = tmux.waitFor { $0.contains("published v1.2.0") }
        #expect(published, "r did not publish:\n\(tmux.capture())")
        #expect(!tmux.capture().contains("the disk is on fire"))
        state = try server.state()
        #expect(state.releases.first?.draft == false)
        #expect(state.violations.isEmpty, "\(state.violations)")
        for (name, sha) in release.expectedAssets(in: module) {
            #expect(state.uploads(of: name) == 1, "\(name) uploaded \(state.uploads(of: name)) times")
            #expect(state.assets.first { $0.name == name }?.sha256 == sha, "\(name)")
        }
        #expect(!tmux.capture().contains(GitHubStandIn.token))
        // Then the formula, with the published assets' URLs (it was cancelled, not failed, and goes on).
        let pushed = tmux.waitFor { $0.range(of: #"done +homebrew: Formula/hello\.rb"#, options: .regularExpression) != nil }
        #expect(pushed, "the formula's unit did not end done after r:\n\(tmux.capture())")
        let formula = TestSupport.run("/usr/bin/git", ["--git-dir", tap.path, "show", "main:Formula/hello.rb"], in: taps)
        #expect(formula.status == 0, "the formula was not pushed after r:\n\(formula.combined)\n\(tmux.capture())")
        #expect(formula.stdout.contains("/releases/download/v1.2.0/"), "\(formula.stdout)")

        tmux.press("q")
        #expect(tmux.waitFor("EXIT=0", timeout: 30), "\(tmux.capture())")
        #expect(tmux.capture().contains("publish succeeded"), "\(tmux.capture())")

        // Every try has a number of its own: the formula, cancelled before it ran, ended attempt 1;
        // the run r started was attempt 2 (it once showed as a second attempt 1).
        let journal = try String(contentsOf: module.appendingPathComponent("dist/shipdeck.publish.jsonl"), encoding: .utf8)
        let tapEvents: [(attempt: Int, phase: String, result: String?)] = journal.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["type"] as? String == "publishUnit", object["unit"] as? String == "homebrew:Formula/hello.rb",
                  let attempt = object["attempt"] as? Int, let phase = object["phase"] as? String
            else { return nil }
            return (attempt, phase, object["result"] as? String)
        }
        let summary = tapEvents.map { "\($0.attempt) \($0.phase) \($0.result ?? "")" }
        #expect(summary.first == "1 finished cancelled", "\(summary)")
        #expect(summary.filter { $0.hasSuffix("started ") } == ["2 started "], "\(summary)")
        #expect(summary.last == "2 finished done", "\(summary)")
    }

    @Test("a publish that fails keeps the dashboard open; q then exits 1 and the release stays a draft")
    func aFailedPublishExitsOne() throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let (tmux, _) = try start(server, faults: [
            ["method": "POST", "path": "/assets", "name": "linux", "times": 50, "status": 502,
             "body": ["message": "upstream is down"]],
        ])
        defer { tmux.kill() }
        #expect(tmux.waitFor { $0.contains("left a draft") && $0.contains("upstream is down") }, "\(tmux.capture())")
        #expect(!tmux.capture().contains("EXIT="), "the dashboard closed by itself")
        tmux.press("q")
        #expect(tmux.waitFor("EXIT=1", timeout: 30), "\(tmux.capture())")
        let screen = tmux.capture()
        #expect(screen.contains("publish FAILED") && screen.contains("upstream is down"), "\(screen)")
        #expect(try server.state().releases.first?.draft == true)
    }
}
