import Foundation
@testable import ShipdeckEngine

/// Small helpers for the publish-target tests: temp folders, running real tools, a sample release.
enum PublishTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func temporaryDirectory(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("shipdeck-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    struct Output {
        var status: Int32
        var output: String
    }

    /// Runs a real tool (through the engine's runner) with a plain environment.
    static func run(_ tool: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:])
        -> Output
    {
        var env = ["PATH": "/usr/local/bin:/usr/bin:/bin:/root/.pyenv/shims", "HOME": NSTemporaryDirectory(), "LC_ALL": "C"]
        if let path = ProcessInfo.processInfo.environment["PATH"] { env["PATH"] = path + ":" + env["PATH"]! }
        env.merge(environment) { $1 }
        do {
            let (result, output) = try ProcessRunner.capture(
                ProcessSpec(executable: tool, arguments: arguments, environment: env, workingDirectory: directory.path))
            return Output(status: result.exitCode ?? -1, output: output)
        } catch {
            return Output(status: -1, output: "\(error)")
        }
    }

    /// A release with every platform a formula or manifest can hold.
    static func sampleRelease(name: String = "hello", description: String = "Says hello") -> ReleaseDownloads {
        let targets = [
            ("darwin", "amd64", nil), ("darwin", "arm64", nil), ("linux", "amd64", nil), ("linux", "arm64", nil),
            ("linux", "arm", "7"), ("linux", "arm", "6"), ("windows", "amd64", nil), ("windows", "arm64", nil),
            ("windows", "386", nil), ("freebsd", "amd64", nil),
        ]
        let downloads = targets.enumerated().map { i, t -> ReleaseDownloads.Download in
            let target = BuildTarget(goos: t.0, goarch: t.1, variant: t.2)
            let ext = t.0 == "windows" ? "zip" : "tar.gz"
            let file = "\(name)_1.2.3_\(t.0)_\(t.1)\(t.2.map { "v" + $0 } ?? "").\(ext)"
            let hex = String(repeating: String(format: "%x", i % 16), count: 64)
            return .init(
                target: target, fileName: file, url: "https://example.com/releases/download/v1.2.3/\(file)", sha256: hex,
                directory: t.0 == "windows" && t.1 == "arm64" ? "\(name)_1.2.3_windows_arm64" : nil)
        }
        return ReleaseDownloads(
            name: name, version: "1.2.3", description: description, homepage: "https://example.com/hello",
            license: "MIT", binary: name, testArguments: ["-version"], downloads: downloads)
    }
}
