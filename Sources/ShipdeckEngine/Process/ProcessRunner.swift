import CShipdeckPOSIX
import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A child process to run: always an absolute executable and an explicit environment.
public struct ProcessSpec: Sendable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String

    public init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The command as a shell would take it, for plans and logs.
    public var commandLine: String { ([executable] + arguments).map(ShellQuoting.quote).joined(separator: " ") }
}

/// How a child ended.
public struct ProcessResult: Sendable, Equatable {
    public var exitCode: Int32?
    public var signal: Int32?
    public var cancelled: Bool

    public var succeeded: Bool { exitCode == 0 && !cancelled }

    public var summary: String {
        if cancelled { return "cancelled" }
        if let exitCode { return "exit status \(exitCode)" }
        if let signal { return "killed by signal \(signal)" }
        return "unknown status"
    }
}

/// Cancels the processes registered with it: the whole process group of each, TERM then KILL.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var groups: Set<pid_t> = []
    /// How long a group gets between SIGTERM and SIGKILL.
    public static let killGrace: TimeInterval = 1.5

    public init() {}

    public var isCancelled: Bool { lock.withLock { cancelled } }

    public func cancel() {
        let targets: Set<pid_t> = lock.withLock {
            cancelled = true
            return groups
        }
        for group in targets { Self.terminate(group: group) }
    }

    func register(_ group: pid_t) -> Bool {
        lock.withLock {
            groups.insert(group)
            return !cancelled
        }
    }

    func unregister(_ group: pid_t) { lock.withLock { _ = groups.remove(group) } }

    static func terminate(group: pid_t) {
        _ = shipdeck_kill_group(group, SIGTERM)
        _ = shipdeck_kill_group(group, SIGCONT)
        DispatchQueue.global().asyncAfter(deadline: .now() + killGrace) {
            _ = shipdeck_kill_group(group, SIGKILL)
        }
    }
}

/// Runs children the way a build tool must: each in its own process group (so cancel kills the
/// whole tree), stdout and stderr merged into one close-on-exec pipe and read line by line, no
/// other descriptor inherited, every child reaped, stragglers of a finished child killed.
///
/// Foundation.Process is not used: on Linux it leaves grandchildren alive and its readability
/// handlers are unreliable under load.
public enum ProcessRunner {
    /// Longest line kept whole; a longer run of bytes without a newline is cut into lines this long.
    static let maxLineBytes = 64 * 1024

    /// Runs `spec` to the end on the calling thread.
    /// - Parameters:
    ///   - cancellation: cancels the child's whole process group.
    ///   - raw: called with every chunk read, for the on-disk log.
    ///   - lines: called with the complete lines of each chunk (invalid UTF-8 repaired).
    public static func run(_ spec: ProcessSpec, cancellation: CancellationToken? = nil,
                           raw: ((UnsafeRawBufferPointer) -> Void)? = nil,
                           lines: (([String]) -> Void)? = nil) throws -> ProcessResult {
        let path = try resolveExecutable(spec.executable, environment: spec.environment)
        var fds: [Int32] = [0, 0]
        let pipeError = shipdeck_pipe_cloexec(&fds)
        guard pipeError == 0 else {
            throw ShipdeckError(.process, "cannot create a pipe for \(spec.executable): \(String(cString: strerror(pipeError)))")
        }
        let readEnd = fds[0], writeEnd = fds[1]

        var pid: pid_t = 0
        let argv = [path] + spec.arguments
        let envp = spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let spawnError = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnvp in
                shipdeck_spawn(path, cArgv, cEnvp, spec.workingDirectory, writeEnd, &pid)
            }
        }
        close(writeEnd)
        guard spawnError == 0 else {
            close(readEnd)
            throw ShipdeckError(.process, "cannot start \(spec.executable) in \(spec.workingDirectory): \(String(cString: strerror(spawnError)))")
        }
        if let cancellation, !cancellation.register(pid) { CancellationToken.terminate(group: pid) }
        defer { cancellation?.unregister(pid) }

        var splitter = LineSplitter(maxLineBytes: maxLineBytes)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = 0
        var leaderDone = false
        var drainDeadline: Date?

        readLoop: while true {
            var pfd = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 100)
            if ready > 0 {
                let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if n > 0 {
                    buffer.withUnsafeBytes { chunk in
                        let bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<n])
                        raw?(bytes)
                        let complete = splitter.push(bytes)
                        if !complete.isEmpty { lines?(complete) }
                    }
                    continue
                }
                if n == 0 { break readLoop }
                if errno == EINTR || errno == EAGAIN { continue }
                break readLoop
            } else if ready < 0 && errno != EINTR {
                break readLoop
            }
            if !leaderDone, shipdeck_wait(pid, &status, 1) == pid {
                leaderDone = true
                // Whatever the child left running still holds the pipe: end it, then drain.
                _ = shipdeck_kill_group(pid, SIGKILL)
                drainDeadline = Date().addingTimeInterval(2)
            }
            if let drainDeadline, Date() > drainDeadline { break readLoop }
        }
        close(readEnd)
        let rest = splitter.finish()
        if !rest.isEmpty { lines?(rest) }
        if !leaderDone { _ = shipdeck_wait(pid, &status, 0) }
        _ = shipdeck_kill_group(pid, SIGKILL)

        let cancelled = cancellation?.isCancelled ?? false
        if shipdeck_wifexited(status) != 0 {
            return ProcessResult(exitCode: shipdeck_wexitstatus(status), signal: nil, cancelled: cancelled)
        }
        return ProcessResult(exitCode: nil, signal: shipdeck_wifsignaled(status) != 0 ? shipdeck_wtermsig(status) : nil,
                             cancelled: cancelled)
    }

    /// Runs a short command and returns its output; throws when it fails.
    public static func capture(_ spec: ProcessSpec) throws -> (result: ProcessResult, output: String) {
        var data = Data()
        let result = try run(spec, raw: { data.append(contentsOf: $0) })
        return (result, String(decoding: data, as: UTF8.self))
    }

    /// An absolute path for `name`, searched in the PATH the child will get.
    public static func resolveExecutable(_ name: String, environment: [String: String]) throws -> String {
        if name.contains("/") {
            guard access(name, X_OK) == 0 else {
                throw ShipdeckError(.process, "\(name) is not an executable file")
            }
            return name
        }
        if let found = which(name, path: environment["PATH"]) { return found }
        throw ShipdeckError(.process, "\(name) was not found on PATH")
    }

    public static func which(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
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

/// Splits a byte stream into lines; a partial line waits for its newline.
struct LineSplitter {
    let maxLineBytes: Int
    private var pending: [UInt8] = []

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    mutating func push(_ bytes: UnsafeRawBufferPointer) -> [String] {
        var out: [String] = []
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            pending.append(contentsOf: bytes[start..<i])
            out.append(Self.decode(pending))
            pending.removeAll(keepingCapacity: true)
            start = i + 1
        }
        pending.append(contentsOf: bytes[start...])
        while pending.count > maxLineBytes {
            out.append(Self.decode(pending[..<maxLineBytes]))
            pending.removeFirst(maxLineBytes)
        }
        return out
    }

    mutating func finish() -> [String] {
        defer { pending = [] }
        return pending.isEmpty ? [] : [Self.decode(pending)]
    }

    private static func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var line = String(decoding: bytes, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }
}

/// POSIX shell quoting for showing commands to people.
public enum ShellQuoting {
    public static func quote(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
