import Foundation

/// The smoke test of one built binary: run it (natively, under qemu-user or wine) with the configured
/// arguments and look for the version in its output; where it cannot run here, check its header.
///
/// The result says which check ran. A missing emulator is `.skipped` ("skipped: qemu-aarch64 not
/// installed"), never a pass.
struct SmokeTest {
    let target: BuildTarget
    let host: BuildTarget
    let version: String
    let arguments: [String]
    let environment: [String: String]

    /// How the binary will be checked on this machine.
    enum Method: Equatable {
        case native
        case emulator(name: String, path: String)
        case missingEmulator(name: String)
        case headerOnly(reason: String)
    }

    struct Outcome: Equatable {
        var result: StageResult
        var detail: String
    }

    static let wineLock = NSLock()

    /// qemu-user's name for each GOARCH (Debian's qemu-user package).
    static let qemuNames: [String: String] = [
        "amd64": "x86_64", "arm64": "aarch64", "arm": "arm", "386": "i386", "riscv64": "riscv64",
        "ppc64le": "ppc64le", "ppc64": "ppc64", "s390x": "s390x", "mips": "mips", "mipsle": "mipsel",
        "mips64": "mips64", "mips64le": "mips64el", "loong64": "loongarch64",
    ]

    func method() -> Method {
        let path = environment["PATH"]
        if target.goos == host.goos, target.goarch == host.goarch { return .native }
        if target.goos == "linux", host.goos == "linux" {
            guard let name = Self.qemuNames[target.goarch].map({ "qemu-\($0)" }) else {
                return .headerOnly(reason: "no qemu-user emulator for \(target.goarch)")
            }
            if let found = ProcessRunner.which(name, path: path) ?? ProcessRunner.which(name + "-static", path: path) {
                return .emulator(name: name, path: found)
            }
            return .missingEmulator(name: name)
        }
        if target.goos == "windows", target.goarch == "amd64" || target.goarch == "386", host.goos == "linux" {
            if let wine = ProcessRunner.which("wine", path: path) ?? ProcessRunner.which("wine64", path: path) {
                return .emulator(name: "wine", path: wine)
            }
            return .headerOnly(reason: "wine not installed")
        }
        return .headerOnly(reason: "\(target.goos) binaries cannot run on \(host.goos)")
    }

    /// Runs the check. `run` executes a child with its output logged and returns it.
    func check(binary: URL, run: (ProcessSpec, TimeInterval) throws -> (ProcessResult, String)) throws -> Outcome {
        let header = try ExecutableHeader.read(path: binary.path)
        guard header.matches(target) else {
            return Outcome(
                result: .failed,
                detail: "header check: \(binary.lastPathComponent) is \(header), not \(target.goos)/\(target.goarch)")
        }
        let headerNote = "header check: \(header) ok"
        let how: String
        let spec: ProcessSpec
        var timeout: TimeInterval = 60
        var env = [
            "PATH": environment["PATH"] ?? "/usr/bin:/bin", "HOME": environment["HOME"] ?? NSTemporaryDirectory(),
        ]
        let directory = binary.deletingLastPathComponent().path
        switch method() {
        case .headerOnly(let reason):
            return Outcome(result: .succeeded, detail: "\(headerNote) (not run: \(reason))")
        case .missingEmulator(let name):
            return Outcome(result: .skipped, detail: "skipped: \(name) not installed (\(headerNote))")
        case .native:
            how = "ran natively"
            spec = ProcessSpec(
                executable: binary.path, arguments: arguments, environment: env, workingDirectory: directory)
        case .emulator(let name, let path):
            how = "ran under \(name)"
            if name == "wine" {
                env["WINEDEBUG"] = "-all"
                if let prefix = environment["WINEPREFIX"] { env["WINEPREFIX"] = prefix }
                if let display = environment["DISPLAY"] { env["DISPLAY"] = display }
                timeout = 180  // the first run creates the wine prefix
            }
            spec = ProcessSpec(
                executable: path, arguments: [binary.path] + arguments, environment: env, workingDirectory: directory)
        }
        // Wine creates its prefix on first use; two cells doing that at once can break it, so wine runs one at a time.
        let (result, output) =
            how == "ran under wine" ? try Self.wineLock.withLock { try run(spec, timeout) } : try run(spec, timeout)
        let firstLine = UntrustedText.escape(
            String(output.split(separator: "\n").first ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        if result.timedOut {
            return Outcome(result: .failed, detail: "\(how): no answer within \(Int(timeout))s")
        }
        // Wine before 9 lacks ProcessPrng (bcryptprimitives.dll), which Go 1.24+ needs at start-up: that is
        // the emulator failing, not the binary, so it is a skip that says so rather than a failure.
        if how == "ran under wine", output.contains("bcryptprimitives.dll not found") {
            return Outcome(
                result: .skipped,
                detail: "skipped: this wine lacks bcryptprimitives.dll, which Go 1.24+ binaries need (\(headerNote))")
        }
        guard result.succeeded else {
            return Outcome(
                result: .failed,
                detail: "\(how): `\(arguments.joined(separator: " "))` failed (\(result.summary)): \(firstLine)")
        }
        guard output.contains(version) else {
            return Outcome(
                result: .failed,
                detail:
                    "\(how): output does not contain version \(version); it printed: \(firstLine.isEmpty ? "(nothing)" : firstLine)"
            )
        }
        return Outcome(result: .succeeded, detail: "\(how): printed \(version)")
    }
}
