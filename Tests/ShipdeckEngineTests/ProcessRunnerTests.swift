import Foundation
import Testing
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
}
