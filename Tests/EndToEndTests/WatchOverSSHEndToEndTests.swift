import Foundation
import Testing

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `ssh -t host shipdeck watch DIST` inside tmux, against Debian's real sshd on a loopback port:
/// the dashboard comes up read-only, and its mutating keys change nothing.
@Suite(.serialized, .ownThreads, .timeLimit(.minutes(10))) struct WatchOverSSHEndToEndTests {
    typealias S = WatchTestsSupport

    /// An sshd of its own: host key, authorized key and config generated in a temp folder, run in
    /// the foreground (`-D -e`) by the engine's ProcessRunner on a background queue (Foundation.Process's
    /// child monitor hangs on a child that closes every inherited descriptor, as sshd does).
    final class LoopbackSSHD: @unchecked Sendable {
        let directory = TestSupport.temporaryDirectory("sshd")
        var userKey: URL { directory.appendingPathComponent("user_key") }
        private(set) var port = 0
        private let lock = NSLock()
        private var output = ""
        private var token = CancellationToken()
        private let finished = DispatchGroup()
        var log: String { lock.withLock { output } }

        init() throws {
            for name in ["host_key", "user_key"] {
                let keygen = TestSupport.run(
                    "/usr/bin/ssh-keygen",
                    [
                        "-q", "-t", "ed25519", "-N", "", "-C", "shipdeck-test",
                        "-f", directory.appendingPathComponent(name).path,
                    ],
                    in: directory)
                try #require(keygen.status == 0, "ssh-keygen: \(keygen.combined)")
            }
            try FileManager.default.copyItem(
                at: directory.appendingPathComponent("user_key.pub"),
                to: directory.appendingPathComponent("authorized_keys"))
            // sshd's privilege separation wants this directory (a service manager would create it).
            try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
            for _ in 0..<5 {
                port = Int.random(in: 20_000...60_000)
                let config = directory.appendingPathComponent("sshd_config")
                try """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(directory.path)/host_key
                AuthorizedKeysFile \(directory.path)/authorized_keys
                PidFile \(directory.path)/sshd.pid
                StrictModes no
                UsePAM no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                PermitRootLogin prohibit-password
                PrintMotd no
                """.write(to: config, atomically: true, encoding: .utf8)
                token = CancellationToken()
                let spec = ProcessSpec(
                    executable: "/usr/sbin/sshd", arguments: ["-D", "-e", "-f", config.path],
                    environment: ["PATH": "/usr/sbin:/usr/bin:/bin"], workingDirectory: directory.path)
                let token = token
                lock.withLock { output = "" }
                DispatchQueue.global().async(group: finished) { [self] in
                    _ = try? ProcessRunner.run(
                        spec, cancellation: token,
                        lines: { lines in
                            self.lock.withLock { self.output += lines.joined(separator: "\n") + "\n" }
                        })
                    self.lock.withLock { self.output += "\n(sshd exited)\n" }
                }
                S.waitFor(10) { log.contains("Server listening") || log.contains("(sshd exited)") }
                if log.contains("Server listening") { return }
                stop()
            }
            Issue.record("sshd did not start: \(log)")
        }

        /// Ends sshd's whole process group and waits for it.
        func stop() {
            token.cancel()
            _ = finished.wait(timeout: .now() + 5)
        }
    }

    /// A tmux server of its own (`-L`), so the test never touches anyone else's.
    struct Tmux {
        let socket = "shipdeck-watch-ssh-\(UUID().uuidString.prefix(8))"

        @discardableResult
        func run(_ arguments: [String]) -> TestSupport.Output {
            S.runSpawned("/usr/bin/tmux", ["-L", socket] + arguments)
        }

        func screen() -> String { run(["capture-pane", "-p", "-t", "watch"]).stdout }

        func waitFor(_ text: String, _ timeout: TimeInterval = 20) -> Bool {
            S.waitFor(timeout) { screen().contains(text) }
        }
    }

    @Test func dashboardOverSSHIsReadOnlyAndItsKeysAddNoEvent() throws {
        let sshd = try LoopbackSSHD()
        defer { sshd.stop() }
        let dist = TestSupport.temporaryDirectory("ssh-dist")
        let journal = try SyntheticJournal.write(in: dist, finished: true, outcome: .failed)
        let before = try Data(contentsOf: journal)

        let tmux = Tmux()
        defer {
            tmux.run(["kill-server"])
            // Whatever of this test's ssh session is left (after a failure): the client and the remote watch.
            for pattern in [sshd.directory.path, dist.path] {
                for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                    guard let pid = pid_t(entry), pid != getpid(),
                        let cmd = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8),
                        cmd.contains(pattern)
                    else { continue }
                    kill(pid, SIGKILL)
                }
            }
        }
        let ssh = [
            "ssh", "-t", "-p", String(sshd.port), "-i", sshd.userKey.path, "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
            "localhost", TestSupport.shipdeckBinary.path, "watch", dist.path,
        ]
        let command = ssh.map(ShellQuoting.quote).joined(separator: " ") + "; echo SSH-EXIT=$?; sleep 120"
        let started = tmux.run(["new-session", "-d", "-s", "watch", "-x", "120", "-y", "36", command])
        try #require(started.status == 0, "tmux: \(started.combined)")

        #expect(tmux.waitFor("READ-ONLY"), "screen:\n\(tmux.screen())")
        // The journal replayed: the failed release, whose failed cell `r` would retry in a live dashboard.
        #expect(tmux.waitFor("synth 1.0.0"), "screen:\n\(tmux.screen())")
        #expect(tmux.waitFor("FAILED"), "screen:\n\(tmux.screen())")

        tmux.run(["send-keys", "-t", "watch", "r"])
        #expect(tmux.waitFor("read-only: retry (r) is not available"), "screen:\n\(tmux.screen())")
        tmux.run(["send-keys", "-t", "watch", "R"])
        tmux.run(["send-keys", "-t", "watch", "c"])
        #expect(tmux.waitFor("read-only: cancel (c) is not available"), "screen:\n\(tmux.screen())")
        #expect(try Data(contentsOf: journal) == before)

        // q leaves the dashboard; the terminal is back to the shell's, where ssh's exit shows.
        tmux.run(["send-keys", "-t", "watch", "q"])
        #expect(tmux.waitFor("SSH-EXIT="), "screen:\n\(tmux.screen())")
        #expect(!tmux.screen().contains("READ-ONLY"))
        #expect(try Data(contentsOf: journal) == before)
    }
}
