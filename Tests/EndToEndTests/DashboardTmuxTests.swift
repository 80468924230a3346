import Foundation
import Testing
import CShipdeckPOSIX

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The dashboard end to end: the real binary with real go builds in a real terminal (tmux), read
/// back with `capture-pane`. Assertions poll the pane for text; nothing sleeps a fixed time.
@Suite("Dashboard in tmux", .serialized, .ownThreads)
struct DashboardTmuxTests {
    /// One tmux server on its own socket, with one pane running a plain shell.
    final class Tmux {
        let socket = "shipdeck-dash-\(UUID().uuidString.prefix(8))"
        let directory: URL

        init(width: Int, height: Int, directory: URL, environment: [String] = []) throws {
            self.directory = directory
            // Later entries win: `environment` overrides the defaults.
            var byName: [String: String] = [:]
            for entry in ["LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=xterm-256color", "NO_COLOR=", "SHIPDECK_NO_CACHE=1"] + environment {
                let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                byName[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
            let env = byName.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            var args = ["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-c", directory.path]
            for e in env { args += ["-e", e] }
            args.append("env PS1='READY$ ' bash --norc --noprofile")
            let started = tmux(args)
            guard started.status == 0 else { throw Failure("tmux new-session failed: \(started.combined)") }
            _ = tmux(["set-option", "-g", "set-clipboard", "on"])
            guard waitFor("READY$", timeout: 10) else { throw Failure("no shell prompt in tmux:\n\(capture())") }
        }

        struct Failure: Error, CustomStringConvertible {
            var description: String
            init(_ text: String) { description = text }
        }

        @discardableResult
        func tmux(_ args: [String]) -> TestSupport.Output {
            Self.spawn(["/usr/bin/tmux", "-u", "-L", socket] + args)
        }

        /// Runs a program with posix_spawn and waitpid, output to a temporary file. (Foundation's
        /// Process sometimes never notices that a `tmux new-session -d` client has exited.)
        static func spawn(_ argv: [String]) -> TestSupport.Output {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("shipdeck-tmux-\(UUID().uuidString).out")
            let quoted = argv.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            let command = "TERM=xterm-256color \(quoted) >'\(out.path)' 2>&1 </dev/null"
            let words: [String] = ["/bin/sh", "-c", command]
            var cargs: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { cargs.forEach { free($0) } }
            // Through the engine's spawn: every descriptor but 0–2 closed and the signal mask
            // emptied. A bare posix_spawn handed the tmux server (which outlives the test) every
            // descriptor the test process had open, such as another test's server's stdin pipe,
            // and the calling thread's mask, which blocks SIGTERM.
            let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
            defer { close(devNull) }
            var pid: pid_t = 0
            guard shipdeck_spawn("/bin/sh", &cargs, environ, nil, devNull, &pid) == 0 else {
                return TestSupport.Output(status: -1, stdout: "", stderr: "posix_spawn failed")
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: out)
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return TestSupport.Output(status: code, stdout: text, stderr: "")
        }

        /// Types `text` literally, then Enter when `enter` is true.
        func type(_ text: String, enter: Bool = true) {
            tmux(["send-keys", "-l", text])
            if enter { tmux(["send-keys", "Enter"]) }
        }

        /// Presses keys by tmux name (`q`, `C-c`, `PPage`).
        func press(_ keys: String...) { tmux(["send-keys"] + keys) }

        func capture() -> String { tmux(["capture-pane", "-p"]).stdout }

        /// The pane with its colours and attributes as SGR escape sequences.
        func captureWithAttributes() -> String { tmux(["capture-pane", "-p", "-e"]).stdout }

        func display(_ format: String) -> String {
            tmux(["display-message", "-p", format]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Polls the pane until `condition` holds or `timeout` seconds pass.
        func waitFor(timeout: Double = 180, _ condition: (String) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition(capture()) { return true }
                usleep(100_000)
            }
            return condition(capture())
        }

        func waitFor(_ text: String, timeout: Double = 180) -> Bool { waitFor(timeout: timeout) { $0.contains(text) } }

        func kill() {
            let path = display("#{socket_path}")
            tmux(["kill-server"])
            if path.hasSuffix(socket) { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    static var shipdeck: String { TestSupport.shipdeckBinary.path }

    /// Runs a release in the pane and echoes its exit status when it returns to the shell.
    static func startRelease(_ tmux: Tmux, _ arguments: String) {
        tmux.type("\(shipdeck) release --version 1.0.0 --target linux/amd64 --target windows/amd64 \(arguments); echo \"EXIT=$?\"")
    }

    @Test("a failing cell shows its log; after the fix, r makes it succeed and checksums.txt lists it; q returns to the shell")
    func retryAfterFix() throws {
        let module = TestSupport.copyFixture("dashboard-retry")
        let tmux = try Tmux(width: 110, height: 32, directory: module)
        defer { tmux.kill() }
        Self.startRelease(tmux, "")

        let failed = tmux.waitFor { $0.contains("✘ FAILED") && $0.contains("windows") && $0.contains("build failed") }
        #expect(failed, "the grid never showed the failure:\n\(tmux.capture())")
        var screen = tmux.capture()
        #expect(screen.contains("Log windows/amd64"), "the failed cell is selected")
        #expect(screen.contains("syntax error"), "its log is shown:\n\(screen)")
        #expect(screen.contains("✔ ok"), "linux/amd64 built")

        // A resize re-lays out at once, down to the too-small message and back.
        tmux.tmux(["resize-window", "-x", "50", "-y", "12"])
        #expect(tmux.waitFor("terminal too small (need 60×16)"), "no too-small message:\n\(tmux.capture())")
        tmux.tmux(["resize-window", "-x", "110", "-y", "32"])
        #expect(tmux.waitFor { $0.contains("─ Matrix") && $0.contains("syntax error") }, "no relayout:\n\(tmux.capture())")

        try "package main\n\nfunc greeting() string { return \"from windows\" }\n"
            .write(to: module.appendingPathComponent("broken_windows.go"), atomically: true, encoding: .utf8)
        tmux.press("r")
        #expect(tmux.waitFor { $0.contains("✔ SUCCEEDED") }, "the retry did not succeed:\n\(tmux.capture())")
        screen = tmux.capture()
        #expect(screen.contains("attempt 2 of 2"))
        #expect(!screen.contains("build failed"))
        let checksums = try String(contentsOf: module.appendingPathComponent("dist/checksums.txt"), encoding: .utf8)
        #expect(checksums.contains("hello_1.0.0_windows_amd64"), "checksums.txt:\n\(checksums)")
        #expect(checksums.contains("hello_1.0.0_linux_amd64"))

        // The first attempt is still reachable.
        tmux.press("a")
        #expect(tmux.waitFor { $0.contains("attempt 1 of 2 (earlier)") && $0.contains("syntax error") },
                "the earlier attempt is not reachable:\n\(tmux.capture())")

        tmux.press("q")
        #expect(tmux.waitFor { $0.contains("EXIT=0") && $0.hasSuffix("READY$ ") || $0.contains("EXIT=0\nREADY$") },
                "the shell did not come back:\n\(tmux.capture())")
        screen = tmux.capture()
        #expect(!screen.contains("─ Matrix"), "the dashboard is gone from the pane")
        #expect(screen.contains("release succeeded: 2 of 2 cells"))
        tmux.type("stty -a | tr ' ' '\\n' | grep -x -e echo -e icanon | sort | tr '\\n' ' '; echo")
        #expect(tmux.waitFor("echo icanon"), "the terminal modes were not restored:\n\(tmux.capture())")
    }

    @Test("escape sequences from a build are shown escaped and the pane, title and clipboard stay intact; q y cancels the running cell")
    func hostileOutput() throws {
        let module = TestSupport.copyFixture("dashboard-escapes")
        let wrapper = module.appendingPathComponent("go-noisy.sh")
        let script = try String(contentsOf: wrapper, encoding: .utf8).replacingOccurrences(of: "@REAL_GO@", with: TestSupport.goBinary)
        try script.write(to: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper.path, 0o755)
        let tmux = try Tmux(width: 120, height: 36, directory: module)
        defer { tmux.kill() }
        let titleBefore = tmux.display("#{pane_title}")
        Self.startRelease(tmux, "--go \(wrapper.path)")

        #expect(tmux.waitFor { $0.contains("noisy: bidi <U+202E>gnp.exe") }, "no escaped output:\n\(tmux.capture())")
        #expect(tmux.waitFor { $0.contains("✔ ok") }, "linux/amd64 did not finish:\n\(tmux.capture())")
        let screen = tmux.capture()
        #expect(screen.contains("noisy: clear\\e[2J\\e[Hscreen"))
        #expect(screen.contains("noisy: clipboard\\e]52;c;aGFja2VkLWNsaXBib2FyZA==\\x07done"))
        #expect(screen.contains("noisy: title\\e]0;PWNED-TITLE\\x07done"))
        #expect(screen.contains("noisy: wide 构建 🚀 end"))
        // The layout is intact: the header, the grid and the footer are where they belong.
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.contains("hello 1.0.0") == true, "header:\n\(screen)")
        #expect(lines.contains { $0.contains("─ Matrix") })
        #expect(screen.contains("q quit"))
        // Nothing reached the terminal itself.
        #expect(tmux.display("#{pane_title}") == titleBefore)
        #expect(!tmux.display("#{pane_title}").contains("PWNED"))
        let buffers = tmux.tmux(["list-buffers"]).stdout
        #expect(buffers.isEmpty, "a clipboard write reached tmux: \(buffers)")

        // windows/amd64 is still running (its go sleeps): q asks, y cancels it and exits.
        #expect(screen.contains("▶ build"), "windows should still be running:\n\(screen)")
        tmux.press("q")
        #expect(tmux.waitFor("Cancel them and quit? (y/n)"), "no confirmation:\n\(tmux.capture())")
        tmux.press("y")
        #expect(tmux.waitFor(timeout: 30) { $0.contains("EXIT=1") }, "the dashboard did not exit:\n\(tmux.capture())")
        #expect(tmux.capture().contains("release cancelled"))
        let sleepers = Tmux.spawn(["/usr/bin/pgrep", "-f", "^sleep 317"])
        #expect(sleepers.stdout.isEmpty, "the cancelled build's children are still alive: \(sleepers.stdout)")
    }

    @Test("SIGINT and SIGTERM end a live release as interrupted (128 + signal) and restore the terminal", arguments: ["INT", "TERM"])
    func signals(signal: String) throws {
        let module = TestSupport.copyFixture("dashboard-escapes")
        let wrapper = module.appendingPathComponent("go-noisy.sh")
        let script = try String(contentsOf: wrapper, encoding: .utf8).replacingOccurrences(of: "@REAL_GO@", with: TestSupport.goBinary)
        try script.write(to: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper.path, 0o755)
        let tmux = try Tmux(width: 100, height: 30, directory: module)
        defer { tmux.kill() }
        Self.startRelease(tmux, "--go \(wrapper.path)")
        #expect(tmux.waitFor { $0.contains("▶ build") && $0.contains("─ Matrix") }, "no running cell:\n\(tmux.capture())")
        if signal == "INT" {
            tmux.press("C-c")
        } else {
            let shell = tmux.display("#{pane_pid}")
            let child = Tmux.spawn(["/usr/bin/pgrep", "-P", shell, "-x", "shipdeck"]).stdout
                .split(separator: "\n").first.map(String.init) ?? ""
            #expect(!child.isEmpty, "shipdeck's pid not found")
            _ = Tmux.spawn(["/bin/kill", "-TERM", child])
        }
        // 128 + the signal's number (issue 12): 130 for SIGINT, 143 for SIGTERM.
        let status = signal == "INT" ? "EXIT=130" : "EXIT=143"
        #expect(tmux.waitFor(timeout: 30) { $0.contains(status) }, "not interrupted:\n\(tmux.capture())")
        #expect(!tmux.capture().contains("─ Matrix"))
        tmux.type("stty -a | tr ' ' '\\n' | grep -x -e echo -e icanon | sort | tr '\\n' ' '; echo")
        #expect(tmux.waitFor("echo icanon"), "the terminal modes were not restored:\n\(tmux.capture())")
        let sleepers = Tmux.spawn(["/usr/bin/pgrep", "-f", "^sleep 317"])
        #expect(sleepers.stdout.isEmpty, "the interrupted build's children are still alive: \(sleepers.stdout)")
    }

    @Test("colour follows the terminal, --color and NO_COLOR; without colour, attributes and glyphs remain",
          arguments: ["256", "8", "NO_COLOR", "never", "ascii"])
    func colorTiers(tier: String) throws {
        let module = TestSupport.copyFixture("dashboard-retry")
        var environment: [String] = []
        var flags = "", prefix = ""
        switch tier {
        case "8": prefix = "TERM=xterm "
        case "NO_COLOR": environment = ["NO_COLOR=1"]
        case "never": flags = "--color never --theme high-contrast"
        case "ascii": environment = ["LANG=C", "LC_ALL=C"]
        default: break
        }
        let tmux = try Tmux(width: 100, height: 30, directory: module, environment: environment)
        defer { tmux.kill() }
        tmux.type("\(prefix)\(Self.shipdeck) release --version 1.0.0 --target linux/amd64 \(flags); echo \"EXIT=$?\"")
        #expect(tmux.waitFor { $0.contains("SUCCEEDED") }, "\(tier):\n\(tmux.capture())")
        let sgr = tmux.captureWithAttributes()
        let colour256 = sgr.contains("38;5;") || sgr.contains("48;5;")
        let colour8 = sgr.range(of: "\u{1b}\\[([0-9;]*;)?[34][0-7](;[0-9;]*)?m", options: .regularExpression) != nil
        switch tier {
        case "256":
            #expect(colour256, "no 256-colour SGR:\n\(sgr)")
        case "8":
            #expect(!colour256 && colour8, "expected 8-colour SGR only:\n\(sgr)")
        case "ascii":
            break
        default:
            #expect(!colour256 && !colour8, "\(tier): colour without colour:\n\(sgr)")
            #expect(sgr.contains("\u{1b}[7m") || sgr.contains(";7m") || sgr.contains("[7;"), "no reverse video:\n\(sgr)")
        }
        let screen = tmux.capture()
        if tier == "ascii" {
            #expect(screen.contains("+ ok"), "ASCII glyphs when the locale is not UTF-8:\n\(screen)")
            #expect(screen.contains("--- Matrix") || screen.contains("- Matrix"))
        } else {
            #expect(screen.contains("✔ ok"))
        }
        tmux.press("q")
        #expect(tmux.waitFor("EXIT=0"), "\(tier):\n\(tmux.capture())")
    }
}
