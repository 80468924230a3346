import CShipdeckPOSIX
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Runs a signing tool: stdin carries the secret (never argv or the environment), stdout and
/// stderr are captured together, the child runs in its own session with no terminal to prompt
/// on, and it gets only the environment given. Whatever it prints is scrubbed of the secret
/// before anyone sees it.
enum SignerProcess {
    struct Output {
        var status: ProcessResult
        var text: String
        var succeeded: Bool { status.succeeded }
    }

    /// How long a signing tool may take before it is killed.
    static let timeout: TimeInterval = 120

    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String],
        directory: String = "/", input: Secret? = nil, stdinFile: String? = nil
    ) throws -> Output {
        let path = try ProcessRunner.resolveExecutable(executable, environment: environment)
        var inputFD: Int32 = -1
        if let stdinFile {
            inputFD = open(stdinFile, O_RDONLY | O_CLOEXEC)
            guard inputFD >= 0 else {
                throw ShipdeckError(.signing, "cannot open \(stdinFile): \(String(cString: strerror(errno)))")
            }
        } else if let input {
            var fds: [Int32] = [0, 0]
            guard shipdeck_pipe_cloexec(&fds) == 0 else {
                throw ShipdeckError(.signing, "cannot create a pipe for \(executable)")
            }
            // The secret is far below the pipe buffer: write it all now, before the child exists.
            var bytes = Array(input.reveal().utf8) + [UInt8(ascii: "\n")]
            let written = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            for i in bytes.indices { bytes[i] = 0 }
            close(fds[1])
            guard written > 0 else {
                close(fds[0])
                throw ShipdeckError(.signing, "cannot pass the password to \(executable)")
            }
            inputFD = fds[0]
        }
        defer { if inputFD >= 0 { close(inputFD) } }

        var out: [Int32] = [0, 0]
        guard shipdeck_pipe_cloexec(&out) == 0 else {
            throw ShipdeckError(.signing, "cannot create a pipe for \(executable)")
        }
        var pid: pid_t = 0
        let argv = [path] + arguments
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let rc = withCStrings(argv) { a in
            withCStrings(envp) { e in shipdeck_spawn_io(path, a, e, directory, inputFD, out[1], &pid) }
        }
        close(out[1])
        guard rc == 0 else {
            close(out[0])
            throw ShipdeckError(.signing, "cannot start \(executable): \(String(cString: strerror(rc)))")
        }

        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var status: Int32 = 0
        var exited = false
        let deadline = Date().addingTimeInterval(timeout)
        var drainUntil: Date?
        var timedOut = false
        while true {
            var pfd = pollfd(fd: out[0], events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 50) > 0 {
                let n = buffer.withUnsafeMutableBytes { read(out[0], $0.baseAddress, $0.count) }
                if n > 0 {
                    if data.count < 1 << 20 { data.append(contentsOf: buffer[0..<n]) }
                    continue
                }
                if n == 0 { break }
                if errno == EINTR || errno == EAGAIN { continue }
                break
            }
            if !exited, shipdeck_wait(pid, &status, 1) == pid {
                exited = true
                // A daemon the tool started (gpg-agent) may still hold the pipe: read briefly, then stop.
                drainUntil = Date().addingTimeInterval(1)
            }
            if let drainUntil, Date() > drainUntil { break }
            if !exited, Date() > deadline {
                timedOut = true
                _ = shipdeck_kill_group(pid, SIGKILL)
            }
        }
        close(out[0])
        if !exited { _ = shipdeck_wait(pid, &status, 0) }
        let result: ProcessResult
        if shipdeck_wifexited(status) != 0 {
            result = ProcessResult(exitCode: shipdeck_wexitstatus(status), signal: nil, cancelled: false)
        } else {
            result = ProcessResult(
                exitCode: nil, signal: shipdeck_wifsignaled(status) != 0 ? shipdeck_wtermsig(status) : nil,
                cancelled: false)
        }
        var text = String(decoding: data, as: UTF8.self)
        if let input { text = input.scrub(text) }
        if timedOut { text += "\n(killed after \(Int(timeout)) seconds)" }
        return Output(status: result, text: text)
    }

    /// The last few lines a tool printed, made safe to show: for error messages.
    static func tail(_ text: String, lines: Int = 4) -> String {
        let kept = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return kept.suffix(lines).map { UntrustedText.escape($0) }.joined(separator: " / ")
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R)
        -> R
    {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
