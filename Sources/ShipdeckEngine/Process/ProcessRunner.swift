import CShipdeckPOSIX
import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The real `CommandRunner`: runs children the way a build tool must. Each runs in its own
/// session and process group (so stopping it ends the whole tree), stdout and stderr merged
/// into one close-on-exec pipe read line by line, no other descriptor inherited, every child
/// reaped, stragglers of a finished leader killed at once, and the group registered with the
/// `ProcessSupervisor` so it cannot outlive Shipdeck. See CommandRunner.swift for the contract.
///
/// Foundation.Process is not used: on Linux it leaves grandchildren alive and its readability
/// handlers are unreliable under load.
package struct ProcessRunner: CommandRunner {
    /// Longest line kept whole; a longer run of bytes without a newline is cut into lines this long.
    static let maxLineBytes = 64 * 1024
    /// How often the loop looks at the leader, the token and the clock while the child is silent.
    static let pollMilliseconds: Int32 = 50
    /// How long output is still read after the leader exited and its group was killed (a
    /// daemon that left the group, such as gpg-agent, may hold the pipe).
    static let drainSeconds: TimeInterval = 1

    package init() {}

    package func run(_ command: Command, raw: ((UnsafeRawBufferPointer) -> Void)?, lines: (([String]) -> Void)?) throws
        -> ProcessResult
    {
        let spec = command.spec
        let path = try Self.resolveExecutable(spec.executable, environment: spec.environment)
        var input = try ChildInput(command.input, for: spec.executable)
        defer { input.closeAll() }
        var fds: [Int32] = [0, 0]
        let pipeError = shipdeck_pipe_cloexec(&fds)
        guard pipeError == 0 else {
            throw ShipdeckError(.process, "cannot create a pipe for \(spec.executable): \(String(cString: strerror(pipeError)))")
        }
        let readEnd = fds[0], writeEnd = fds[1]
        defer { close(readEnd) }

        var pid: pid_t = 0
        let argv = [path] + spec.arguments
        let envp = spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let spawnError = Self.withCStrings(argv) { cArgv in
            Self.withCStrings(envp) { cEnvp in
                shipdeck_spawn_io(path, cArgv, cEnvp, spec.workingDirectory, input.childEnd, writeEnd, &pid)
            }
        }
        close(writeEnd)
        input.closeChildEnd()
        guard spawnError == 0 else {
            throw ShipdeckError(.process, "cannot start \(spec.executable) in \(spec.workingDirectory): \(String(cString: strerror(spawnError)))")
        }
        let supervisor = ProcessSupervisor.shared
        supervisor.adopt(group: pid)

        var loop = Loop(pid: pid, token: command.effectiveCancellation,
                        deadline: command.timeout.map { Date().addingTimeInterval($0) })
        var splitter = LineSplitter(maxLineBytes: Self.maxLineBytes)
        let secrets = command.secrets
        func deliver(_ complete: [String]) {
            guard !complete.isEmpty else { return }
            guard !secrets.isEmpty else {
                lines?(complete)
                return
            }
            // With secrets, the raw stream is the scrubbed lines: a secret split across two
            // reads must not reach a log file in pieces.
            let scrubbed = complete.map { line in secrets.reduce(line) { $1.scrub($0) } }
            if let raw {
                let bytes = Array((scrubbed.joined(separator: "\n") + "\n").utf8)
                bytes.withUnsafeBytes { raw($0) }
            }
            lines?(scrubbed)
        }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var outputOpen = true
        // The leader's exit wakes the loop at once: a child closes its output a moment before it
        // can be reaped, and looking again only after a poll timeout cost every child (each git
        // call, each cell's go build) up to one whole timeout.
        let exitFD = shipdeck_pidfd_open(pid)
        defer { if exitFD >= 0 { close(exitFD) } }
        var idleTurns = 0

        while true {
            var pfds: [pollfd] = []
            if outputOpen { pfds.append(pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)) }
            if input.isWriting { pfds.append(pollfd(fd: input.ourEnd, events: Int16(POLLOUT), revents: 0)) }
            if exitFD >= 0, !loop.leaderExited { pfds.append(pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0)) }
            if pfds.isEmpty {
                // Only the leader to wait for and no pidfd (an old kernel): look again soon, then
                // less often.
                usleep(useconds_t(min(Self.pollMilliseconds, Int32(1) << min(idleTurns, 6))) * 1000)
                idleTurns += 1
            } else if pfds.withUnsafeMutableBufferPointer({ poll($0.baseAddress, nfds_t($0.count), Self.pollMilliseconds) }) > 0 {
                for pfd in pfds where pfd.revents != 0 && pfd.fd != exitFD {
                    if pfd.fd == readEnd {
                        let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                        if n > 0 {
                            buffer.withUnsafeBytes { chunk in
                                let bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<n])
                                if secrets.isEmpty { raw?(bytes) }
                                deliver(splitter.push(bytes))
                            }
                        } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                            outputOpen = false
                        }
                    } else {
                        input.writeSome()
                    }
                }
            }
            // The leader is checked on every turn, however busy the pipe: a straggler that keeps
            // printing must not keep a finished cell running.
            if loop.step(outputOpen: outputOpen) { break }
        }
        deliver(splitter.finish())
        // The leader is a zombie still (not reaped): its group id is ours. Kill what is left in
        // it, tell the supervisor we are done with the group, and only then reap.
        _ = shipdeck_kill_group(pid, SIGKILL)
        supervisor.release(group: pid)
        var status: Int32 = 0
        _ = shipdeck_wait(pid, &status, 0)

        let cancelled = loop.stoppedBy == .cancellation
        let timedOut = loop.stoppedBy == .timeout
        let timeout = timedOut ? command.timeout : nil
        if shipdeck_wifexited(status) != 0 {
            return ProcessResult(exitCode: shipdeck_wexitstatus(status), signal: nil, cancelled: cancelled,
                                 timedOut: timedOut, timeout: timeout)
        }
        return ProcessResult(exitCode: nil, signal: shipdeck_wifsignaled(status) != 0 ? shipdeck_wtermsig(status) : nil,
                             cancelled: cancelled, timedOut: timedOut, timeout: timeout)
    }

    /// The child's stdin: nothing (/dev/null), a file, or our end of a socket pair written
    /// without blocking and without SIGPIPE, then shut down so the child sees end-of-file.
    struct ChildInput {
        private(set) var childEnd: Int32 = -1
        private(set) var ourEnd: Int32 = -1
        private var pending: [UInt8] = []

        init(_ input: CommandInput, for executable: String) throws {
            switch input {
            case .none:
                return
            case .file(let file):
                childEnd = open(file, O_RDONLY | O_CLOEXEC)
                guard childEnd >= 0 else {
                    throw ShipdeckError(.process, "cannot open \(file) as the input of \(executable): \(String(cString: strerror(errno)))")
                }
                return
            case .bytes(let bytes):
                pending = bytes
            case .secret(let secret):
                pending = Array(secret.reveal().utf8) + [UInt8(ascii: "\n")]
            }
            var pair: [Int32] = [0, 0]
            let rc = shipdeck_input_socket(&pair)
            guard rc == 0 else {
                throw ShipdeckError(.process, "cannot create the input of \(executable): \(String(cString: strerror(rc)))")
            }
            ourEnd = pair[0]
            childEnd = pair[1]
        }

        var isWriting: Bool { ourEnd >= 0 }

        mutating func writeSome() {
            if !pending.isEmpty {
                let sent = pending.withUnsafeBytes { shipdeck_send_nosignal(ourEnd, $0.baseAddress, $0.count) }
                if sent > 0 {
                    pending.removeFirst(sent)
                } else if sent != -Int(EAGAIN), sent != -Int(EINTR) {
                    pending = []  // the child closed its stdin: it does not want the rest
                }
            }
            if pending.isEmpty {
                _ = shutdown(ourEnd, Int32(SHUT_WR))
                close(ourEnd)
                ourEnd = -1
            }
        }

        mutating func closeChildEnd() {
            if childEnd >= 0 { close(childEnd) }
            childEnd = -1
        }

        mutating func closeAll() {
            closeChildEnd()
            if ourEnd >= 0 { close(ourEnd) }
            ourEnd = -1
            for i in pending.indices { pending[i] = 0 }
        }
    }

    /// The per-child bookkeeping of the read loop: when the leader exited, whether and when the
    /// tree was told to stop, and whether the loop may end.
    struct Loop {
        enum Stop { case cancellation, timeout }
        let pid: pid_t
        let token: CancellationToken?
        let deadline: Date?
        private(set) var leaderExited = false
        private var exitedAt = Date.distantPast
        private(set) var stoppedBy: Stop?
        private var termSentAt: Date?
        private var killSent = false

        init(pid: pid_t, token: CancellationToken?, deadline: Date?) {
            self.pid = pid
            self.token = token
            self.deadline = deadline
        }

        /// One turn: true when the loop is over (the leader exited, and the pipe is closed or
        /// its drain time is up).
        mutating func step(outputOpen: Bool) -> Bool {
            let now = Date()
            if !leaderExited, shipdeck_exited_nowait(pid) != 0 {
                leaderExited = true
                exitedAt = now
                // Whatever the leader left running in its group still holds the pipe: end it.
                _ = shipdeck_kill_group(pid, SIGKILL)
            }
            if leaderExited {
                return !outputOpen || now.timeIntervalSince(exitedAt) > ProcessRunner.drainSeconds
            }
            if stoppedBy == nil {
                if token?.isCancelled == true {
                    stoppedBy = .cancellation
                } else if let deadline, now > deadline {
                    stoppedBy = .timeout
                }
            }
            guard stoppedBy != nil else { return false }
            if let termSentAt {
                if !killSent, now.timeIntervalSince(termSentAt) > CancellationToken.killGrace {
                    killSent = true
                    _ = shipdeck_kill_group(pid, SIGKILL)
                }
            } else {
                termSentAt = now
                _ = shipdeck_kill_group(pid, SIGTERM)
                _ = shipdeck_kill_group(pid, SIGCONT)
            }
            return false
        }
    }

    // MARK: Short forms (they run through the same runner)

    /// Runs `spec` to the end on the calling thread.
    package static func run(_ spec: ProcessSpec, cancellation: CancellationToken? = nil,
                           raw: ((UnsafeRawBufferPointer) -> Void)? = nil,
                           lines: (([String]) -> Void)? = nil) throws -> ProcessResult {
        try ProcessRunner().run(Command(spec, cancellation: cancellation), raw: raw, lines: lines)
    }

    /// Runs a short command and returns its output.
    package static func capture(_ spec: ProcessSpec) throws -> (result: ProcessResult, output: String) {
        let out = try ProcessRunner().capture(Command(spec))
        return (out.result, out.text)
    }

    /// An absolute path for `name`, searched in the PATH the child will get.
    package static func resolveExecutable(_ name: String, environment: [String: String]) throws -> String {
        if name.contains("/") {
            guard access(name, X_OK) == 0 else {
                throw ShipdeckError(.process, "\(name) is not an executable file")
            }
            return name
        }
        if let found = which(name, path: environment["PATH"]) { return found }
        throw ShipdeckError(.process, "\(name) was not found on PATH")
    }

    package static func which(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue,
               access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
