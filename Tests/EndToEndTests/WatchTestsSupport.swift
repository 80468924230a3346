import Foundation

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What the journal, watch, resume and signal tests share: a slow `go`, processes running in
/// the background, waiting for conditions (never fixed sleeps) and reading journals.
enum WatchTestsSupport {
    /// A `go` wrapper that, for `build`, appends its pid to `pidFile` and runs `sleep <seconds>`
    /// before becoming the real go. `seconds` doubles as a marker to find the sleeps in /proc.
    static func slowGo(seconds: String, pidFile: URL) throws -> URL {
        let script = TestSupport.temporaryDirectory("slow-go").appendingPathComponent("go")
        try """
        #!/bin/sh
        if [ "$1" = "build" ]; then
          echo $$ >> \(pidFile.path)
          sleep \(seconds)
        fi
        exec \(TestSupport.goBinary) "$@"
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script
    }

    /// A unique `sleep` argument near `base` seconds.
    static func marker(_ base: Int) -> String { "\(base).\(Int.random(in: 1000...9999))" }

    /// Pids a wrapper wrote, one per line.
    static func pids(in file: URL) -> [pid_t] {
        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { pid_t($0) }
    }

    /// True while `pid` runs (a zombie, dead but not yet reaped by its parent, does not count).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[close...].dropFirst(2).first != "Z"
    }

    /// Command lines of running processes whose command line contains `pattern`.
    static func processes(matching pattern: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = pid_t(entry), isRunning(pid),
                let cmd = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8)
            else { return nil }
            let text = cmd.replacingOccurrences(of: "\0", with: " ")
            return text.contains(pattern) ? text : nil
        }
    }

    /// Runs a program that leaves a daemon behind (tmux, sshd) through the engine's posix_spawn
    /// runner: Foundation.Process on Linux can miss the exit of such a program and wait forever.
    static func runSpawned(_ executable: String, _ arguments: [String]) -> TestSupport.Output {
        var environment = TestSupport.childEnvironment
        environment["TERM"] = "xterm-256color"
        let spec = ProcessSpec(
            executable: executable, arguments: arguments, environment: environment,
            workingDirectory: FileManager.default.temporaryDirectory.path)
        guard let (result, output) = try? ProcessRunner.capture(spec) else {
            return TestSupport.Output(status: -1, stdout: "", stderr: "cannot start \(executable)")
        }
        return TestSupport.Output(status: result.exitCode ?? -1, stdout: output, stderr: "")
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
    @discardableResult
    static func waitFor(_ timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// The events of a journal as it is now.
    static func events(_ journal: URL) -> [EngineEvent] {
        ((try? JournalReader.read(journal))?.records ?? []).map(\.event)
    }

    /// Cells with a `stageStarted(build)` in the journal: the ones that were built.
    static func builtCells(_ journal: URL) -> Set<String> {
        Set(
            events(journal).compactMap { event in
                if case .stageStarted(let cell, _, .build) = event { return cell }
                return nil
            })
    }

    /// Cells whose last `cellFinished` says succeeded.
    static func succeededCells(_ journal: URL) -> Set<String> {
        var status: [String: CellStatus] = [:]
        for case .cellFinished(let cell, _, let s, _, _) in events(journal) { status[cell] = s }
        return Set(status.filter { $0.value == .succeeded }.keys)
    }

    /// From the line "Summary" to the end: the table and outcome of a headless release.
    static func summary(of output: String) -> String {
        guard let range = output.range(of: "\nSummary\n") else { return "" }
        return String(output[range.lowerBound...])
    }

    /// A process running in the background, stdout and stderr going to files.
    final class Background {
        let process = Process()
        let stdoutFile: URL
        let stderrFile: URL

        init(_ executable: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws
        {
            let dir = TestSupport.temporaryDirectory("background")
            stdoutFile = dir.appendingPathComponent("stdout")
            stderrFile = dir.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.currentDirectoryURL = directory
            var env = TestSupport.childEnvironment
            env["TERM"] = "dumb"
            for (key, value) in environment { env[key] = value.isEmpty ? nil : value }
            process.environment = env
            process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
            process.standardError = try FileHandle(forWritingTo: stderrFile)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// Runs the built `shipdeck`.
        static func shipdeck(_ arguments: [String], in directory: URL) throws -> Background {
            try Background(TestSupport.shipdeckBinary.path, arguments, in: directory)
        }

        var pid: pid_t { process.processIdentifier }
        var isRunning: Bool { process.isRunning }
        var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

        /// Waits up to `timeout` seconds for the process to end; returns its status, nil if it still runs.
        func wait(_ timeout: TimeInterval) -> Int32? {
            guard WatchTestsSupport.waitFor(timeout, { !process.isRunning }) else { return nil }
            process.waitUntilExit()
            return process.terminationStatus
        }

        /// Kills it (and leaves the rest to the test).
        func kill(_ signal: Int32 = SIGKILL) { Glibc.kill(pid, signal) }
    }
}

extension WatchTestsSupport {
    /// Rewrites a journal's header to name `pid` as its writer, created at `created` (seconds since 1970).
    static func setWriter(of journal: URL, pid: pid_t, created: Double? = nil) throws {
        var lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").map(String.init)
        var header = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        header["pid"] = Int(pid)
        if let created { header["created"] = created }
        let data = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        lines[0] = String(decoding: data, as: UTF8.self)
        try (lines.joined(separator: "\n") + "\n").write(to: journal, atomically: true, encoding: .utf8)
    }
}
