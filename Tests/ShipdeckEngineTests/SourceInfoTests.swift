import Foundation
import Testing

@testable import ShipdeckEngine

/// The version a release takes from git (a real repository in a temporary folder).
@Suite struct SourceInfoTests {
    let env = ProcessInfo.processInfo.environment.merging([
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
    ]) { $1 }

    func module() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sourceinfo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "module example.com/hello\n\ngo 1.22\n".write(to: dir.appendingPathComponent("go.mod"), atomically: true, encoding: .utf8)
        try git(["init", "-q", "-b", "main"], in: dir)
        try git(["add", "-A"], in: dir)
        try git(["commit", "-q", "-m", "first"], in: dir)
        return dir
    }

    func git(_ args: [String], in dir: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = args
        process.currentDirectoryURL = dir
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(args)")
    }

    func version(_ dir: URL) throws -> String {
        try SourceInfo.read(moduleDirectory: dir.path, environment: env).version(override: nil)
    }

    @Test func severalTagsOnHeadGiveTheHighestVersion() throws {
        let dir = try module()
        defer { try? FileManager.default.removeItem(at: dir) }
        // `git describe --exact-match` answers v1.1.9 here (the first by name), not the highest.
        for tag in ["v1.2.0-rc.1", "v1.10.0", "v1.2.0", "v1.9.3", "v1.1.9"] { try git(["tag", tag], in: dir) }
        #expect(try version(dir) == "1.10.0")
    }

    @Test func aPreReleaseSortsBelowItsRelease() throws {
        let dir = try module()
        defer { try? FileManager.default.removeItem(at: dir) }
        try git(["tag", "v2.0.0"], in: dir)
        try git(["tag", "-a", "-m", "rc", "v2.0.0-rc.2"], in: dir)
        #expect(try version(dir) == "2.0.0")
    }

    @Test func withoutATagOnHeadTheVersionIsADevVersion() throws {
        let dir = try module()
        defer { try? FileManager.default.removeItem(at: dir) }
        try git(["tag", "v0.9.0"], in: dir)
        try "x\n".write(to: dir.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        try git(["add", "-A"], in: dir)
        try git(["commit", "-q", "-m", "second"], in: dir)
        #expect(try version(dir).hasPrefix("0.0.0-dev+"))
    }
}
