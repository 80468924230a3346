import Foundation
import Testing
import CShipdeckPOSIX
@testable import ShipdeckEngine

#if canImport(Glibc)
import Glibc
#endif

/// ProcessRunner against real processes: merged output, exit codes, no leaked descriptors,
/// and the whole tree gone after cancel.
@Suite(.serialized) struct ProcessRunnerTests {
    let env = ["PATH": "/usr/local/bin:/usr/bin:/bin"]

    func sh(_ script: String) -> ProcessSpec {
        ProcessSpec(executable: "/bin/sh", arguments: ["-c", script], environment: env, workingDirectory: "/tmp")
    }

    func processesMatching(_ pattern: String) -> [String] {
        var found: [String] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(entry) != nil {
            guard let cmd = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8) else { continue }
            let text = cmd.replacingOccurrences(of: "\0", with: " ")
            if text.contains(pattern) { found.append("\(entry): \(text)") }
        }
        return found
    }

    @Test func mergesStdoutAndStderrLineByLine() throws {
        var lines: [String] = []
        let result = try ProcessRunner.run(sh("echo out; echo err >&2; printf 'no newline'"), lines: { lines += $0 })
        #expect(result.succeeded)
        #expect(lines == ["out", "err", "no newline"])
    }

    @Test func reportsExitStatus() throws {
        let result = try ProcessRunner.run(sh("exit 3"))
        #expect(result.exitCode == 3)
        #expect(!result.succeeded)
        #expect(result.summary == "exit status 3")
    }

    @Test func childInheritsNoOtherDescriptor() throws {
        let leaked = open("/etc/hostname", O_RDONLY)  // deliberately without O_CLOEXEC
        defer { close(leaked) }
        #expect(leaked > 2)
        var lines: [String] = []
        _ = try ProcessRunner.run(sh("ls /proc/self/fd"), lines: { lines += $0 })
        let fds = Set(lines.compactMap(Int.init))
        #expect(!fds.contains(Int(leaked)))
        #expect(fds.isSubset(of: [0, 1, 2, 3]))  // 3 is ls's own directory handle
    }

    @Test func cancelKillsTheWholeTree() throws {
        let marker = "987.\(Int.random(in: 100...999))"
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { token.cancel() }
        let start = Date()
        let result = try ProcessRunner.run(sh("sleep \(marker) & sleep \(marker); wait"), cancellation: token)
        #expect(result.cancelled)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(processesMatching("sleep \(marker)").isEmpty)
    }

    @Test func stragglersOfAFinishedChildAreKilled() throws {
        let marker = "986.\(Int.random(in: 100...999))"
        let start = Date()
        var lines: [String] = []
        let result = try ProcessRunner.run(sh("sleep \(marker) & echo done"), lines: { lines += $0 })
        #expect(result.succeeded)
        #expect(lines == ["done"])
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(processesMatching("sleep \(marker)").isEmpty)
    }

    @Test func missingExecutableIsAClearError() {
        let error = #expect(throws: ShipdeckError.self) {
            try ProcessRunner.run(ProcessSpec(executable: "no-such-tool-here", arguments: [], environment: env,
                                              workingDirectory: "/tmp"))
        }
        #expect(error?.message == "no-such-tool-here was not found on PATH")
    }

    // MARK: The one runner: stdin, timeouts, stragglers, secrets

    /// A leader that exits while its background child keeps printing: the run ends within 2 s
    /// of the leader's exit and the straggler is gone (it used to wait for 100 ms of silence).
    @Test func chattyStragglerDoesNotKeepTheRunAlive() throws {
        let marker = "chatty-\(Int.random(in: 1000...9999))"
        let script = "(while :; do echo \(marker); done) & sleep 0.3; echo leader-done; exit 4"
        let start = Date()
        var sawLeader = false
        let result = try ProcessRunner().run(Command(sh(script)), raw: nil, lines: { lines in
            if lines.contains("leader-done") { sawLeader = true }
        })
        let took = Date().timeIntervalSince(start)
        #expect(result.exitCode == 4)
        #expect(sawLeader)
        #expect(took < 0.3 + 2, "took \(took)s")
        #expect(processesMatching("while :; do echo \(marker)").isEmpty)
    }

    @Test func writesStdinBytesLargerThanAnyBuffer() throws {
        let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)
        let out = try ProcessRunner().capture(Command(sh("wc -c"), input: .bytes(bytes)))
        #expect(out.succeeded)
        #expect(out.text.trimmingCharacters(in: .whitespacesAndNewlines) == "\(3 << 20)")
    }

    @Test func aChildThatClosesStdinEarlyIsNoError() throws {
        let bytes = [UInt8](repeating: UInt8(ascii: "y"), count: 1 << 20)
        let out = try ProcessRunner().capture(Command(sh("exec 0<&-; echo closed"), input: .bytes(bytes)))
        #expect(out.succeeded)
        #expect(out.text == "closed\n")
    }

    @Test func stdinFromAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stdin-\(UUID().uuidString)")
        try "from a file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let out = try ProcessRunner().capture(Command(sh("cat"), input: .file(file.path)))
        #expect(out.text == "from a file\n")
    }

    @Test func aSecretOnStdinIsScrubbedFromTheOutput() throws {
        let secret = Secret("hunter2-very-secret")
        var lines: [String] = []
        var raw = Data()
        let result = try ProcessRunner().run(
            Command(sh("read p; echo \"got $p\"; echo \"$p\" >&2"), input: .secret(secret)),
            raw: { raw.append(contentsOf: $0) }, lines: { lines += $0 })
        #expect(result.succeeded)
        #expect(lines == ["got <secret>", "<secret>"])
        #expect(!String(decoding: raw, as: UTF8.self).contains("hunter2"))
    }

    @Test func timeoutStopsTheWholeTreeAndSaysSo() throws {
        let marker = "985.\(Int.random(in: 100...999))"
        let start = Date()
        let result = try ProcessRunner().run(Command(sh("sleep \(marker) & sleep \(marker); wait"), timeout: 0.5))
        #expect(result.timedOut)
        #expect(!result.cancelled && !result.succeeded)
        #expect(result.summary.hasPrefix("timed out after"))
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(processesMatching("sleep \(marker)").isEmpty)
    }

    /// A tree that ignores SIGTERM gets SIGKILL after the grace period, from the runner itself.
    @Test func aTreeIgnoringTermIsKilledAfterTheGrace() throws {
        let marker = "984.\(Int.random(in: 100...999))"
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { token.cancel() }
        let start = Date()
        let result = try ProcessRunner().run(
            Command(sh("trap '' TERM; sleep \(marker) & while :; do sleep 0.1; done"), cancellation: token))
        let took = Date().timeIntervalSince(start)
        #expect(result.cancelled)
        #expect(took >= 0.3 + CancellationToken.killGrace - 0.1 && took < 6, "took \(took)s")
        #expect(processesMatching("sleep \(marker)").isEmpty)
    }

    /// Signers get no token of their own: the stage's, bound as `CancellationToken.current`, stops them.
    @Test func theCurrentTokenStopsACommandWithoutOne() throws {
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { token.cancel() }
        let start = Date()
        let output = try CancellationToken.$current.withValue(token) {
            try SignerProcess.run("/bin/sh", ["-c", "sleep 30"], environment: env)
        }
        #expect(output.status.cancelled)
        #expect(Date().timeIntervalSince(start) < 3)
    }

    @Test func theSupervisorRunsUnderItsOwnName() throws {
        _ = try ProcessRunner().run(Command(sh("true")))
        let supervisor = ProcessSupervisor.shared
        #expect(supervisor.isRunning)
        let cmdline = try String(contentsOfFile: "/proc/\(supervisor.pid)/cmdline", encoding: .utf8)
        #expect(cmdline.hasPrefix("shipdeck-supervisor"))
    }

    @Test func captureKeepsAtMostItsLimit() throws {
        let out = try ProcessRunner().capture(Command(sh("head -c 100000 /dev/zero")), limit: 1000)
        #expect(out.succeeded)
        #expect(out.truncated)
        #expect(out.text.utf8.count == 1000)
    }

    /// The read loop waits on a pidfd for the leader's exit (it would otherwise look only after a
    /// poll timeout): not readable while the child runs, readable once it has exited, and the
    /// runner still returns every line and the status of a child that closes its output first.
    @Test func pidfdBecomesReadableWhenTheChildExits() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        try child.run()
        let fd = shipdeck_pidfd_open(child.processIdentifier)
        #expect(fd >= 0, "this kernel has pidfd_open (Linux 5.3+)")
        // SIGKILL: a child started from a test's worker thread may inherit a mask blocking SIGTERM.
        guard fd >= 0 else { kill(child.processIdentifier, SIGKILL); return }
        defer { close(fd) }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 0) == 0)
        kill(child.processIdentifier, SIGKILL)
        pfd.revents = 0
        #expect(poll(&pfd, 1, 10_000) == 1)
        #expect(pfd.revents & Int16(POLLIN) != 0)
        child.waitUntilExit()

        let late = try ProcessRunner.capture(sh("echo first; exec 1>&- 2>&-; sleep 0.2; exit 7"))
        #expect(late.output == "first\n")
        #expect(late.result.exitCode == 7)
    }
}
