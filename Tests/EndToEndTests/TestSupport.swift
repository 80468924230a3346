import Foundation

/// What end-to-end tests share: the built `shipdeck` binary, fixtures copied to temp folders,
/// and running commands with their output captured.
enum TestSupport {
    /// The repository root (this file is Tests/EndToEndTests/TestSupport.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    /// The `shipdeck` executable built beside the test bundle (same scratch path and configuration).
    static var shipdeckBinary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // The test runner may be inside a .xctest bundle directory.
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shipdeck")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("shipdeck binary not found beside \(CommandLine.arguments[0]); run `swift build` first")
    }

    /// The environment children of tests get: the test's own, with the artifact cache off
    /// (SHIPDECK_NO_CACHE=1), so a test's build never comes from another test's binary. The cache's
    /// own tests turn it on with a private XDG_CACHE_HOME (ArtifactCacheEndToEndTests).
    static var childEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["SHIPDECK_NO_CACHE"] = "1"
        return env
    }

    /// The Go toolchain tests use.
    static var goBinary: String {
        if let go = ProcessInfo.processInfo.environment["GO"], !go.isEmpty { return go }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") + ["/usr/local/bin"] {
            let path = "\(dir)/go"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return "go"
    }

    /// The Go build cache of the test process's own environment, asked of go once. A test that
    /// gives a release its own XDG_CACHE_HOME passes it on as GOCACHE: go's default cache is
    /// `$XDG_CACHE_HOME/go-build`, so each such release would otherwise build the standard
    /// library again into an empty cache (measured: 150 s of CPU per suite run).
    static let goCache: String = {
        let r = run(goBinary, ["env", "GOCACHE"], in: FileManager.default.temporaryDirectory)
        let path = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        precondition(r.status == 0 && path.hasPrefix("/"), "go env GOCACHE failed: \(r.combined)")
        return path
    }()

    /// A new empty temporary directory, unique per call.
    static func temporaryDirectory(_ label: String = "test") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("shipdeck-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Copies `Tests/Fixtures/<name>` (or Examples/<name> when `example` is true) to a fresh temp folder.
    /// With `git: true` the copy becomes a git repository with one commit (fixed author and date).
    static func copyFixture(_ name: String, example: Bool = false, git: Bool = false, tag: String? = nil) -> URL {
        let source = example ? repositoryRoot.appendingPathComponent("Examples/\(name)") : fixtures.appendingPathComponent(name)
        let destination = temporaryDirectory(name).appendingPathComponent(name)
        try! FileManager.default.copyItem(at: source, to: destination)
        try? FileManager.default.removeItem(at: destination.appendingPathComponent("dist"))
        if git {
            let env = ["GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
                       "GIT_COMMITTER_EMAIL": "test@example.com", "GIT_AUTHOR_DATE": "2024-01-02T03:04:05Z",
                       "GIT_COMMITTER_DATE": "2024-01-02T03:04:05Z"]
            for args in [["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "fixture"]] {
                let r = run("/usr/bin/git", args, in: destination, environment: env)
                precondition(r.status == 0, "git \(args) failed: \(r.stderr)")
            }
            if let tag { _ = run("/usr/bin/git", ["tag", tag], in: destination, environment: env) }
        }
        return destination
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var combined: String { stdout + stderr }
    }

    /// Runs the shipdeck binary.
    static func shipdeck(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) -> Output {
        run(shipdeckBinary.path, arguments, in: directory, environment: environment)
    }

    /// Lets two `shipdeck release` runs of `run` go at a time, as many as the cooperative pool let run
    /// before the suites had threads of their own (OwnThreadsTrait): more would compile the same packages
    /// side by side while the Go cache is empty.
    static let releaseGate = DispatchSemaphore(value: 2)

    /// Runs a program to the end with stdin from /dev/null, stdout and stderr captured separately.
    /// `environment` is added to the test's own environment (a value of "" removes the variable).
    static func run(_ executable: String, _ arguments: [String], in directory: URL,
                    environment: [String: String] = [:]) -> Output {
        let gated = arguments.first == "release" && URL(fileURLWithPath: executable).lastPathComponent == "shipdeck"
        if gated { releaseGate.wait() }
        defer { if gated { releaseGate.signal() } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = childEnvironment
        env["TERM"] = "dumb"
        for (key, value) in environment { env[key] = value.isEmpty ? nil : value }
        process.environment = env
        let outFile = temporaryDirectory("out").appendingPathComponent("stdout")
        let errFile = outFile.deletingLastPathComponent().appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let out = try! FileHandle(forWritingTo: outFile), err = try! FileHandle(forWritingTo: errFile)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            // A missing program or folder fails this call, not the whole test process.
            try? out.close()
            try? err.close()
            try? FileManager.default.removeItem(at: outFile.deletingLastPathComponent())
            return Output(status: -1, stdout: "", stderr: "cannot run \(executable) in \(directory.path): \(error)")
        }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        let stdout = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: outFile.deletingLastPathComponent())
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// First bytes of a file, for header checks.
    static func header(of url: URL, count: Int = 64) -> [UInt8] {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
        defer { try? handle.close() }
        return [UInt8](handle.readData(ofLength: count))
    }
}
