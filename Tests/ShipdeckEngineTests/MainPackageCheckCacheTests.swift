import Foundation
import Testing

@testable import ShipdeckEngine

/// A release remembers a passed `main:` check (real `go list`) for an unchanged tree, and checks
/// again when the tree changes; other commands neither hash the tree nor remember.
@Suite struct MainPackageCheckCacheTests {
    static var go: String {
        if let go = ProcessInfo.processInfo.environment["GO"], !go.isEmpty { return go }
        return ["/usr/local/bin/go", "/usr/bin/go"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "go"
    }

    struct Module {
        let directory: URL
        let cacheHome: URL

        init() throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("main-check-\(UUID().uuidString)")
            directory = root.appendingPathComponent("tool")
            cacheHome = root.appendingPathComponent("xdg")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try "module example.com/tool\n\ngo 1.22\n".write(to: directory.appendingPathComponent("go.mod"), atomically: true, encoding: .utf8)
            try "package main\n\nfunc main() {}\n".write(to: directory.appendingPathComponent("main.go"), atomically: true, encoding: .utf8)
        }

        var checks: URL { cacheHome.appendingPathComponent("shipdeck/checks") }

        func passes() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: checks.path)) ?? []).filter { $0.hasPrefix("main-") }
        }

        func plan(release: Bool = true) throws -> BuildPlan {
            var env = ProcessInfo.processInfo.environment
            env["XDG_CACHE_HOME"] = cacheHome.path
            var options = PlanOptions(moduleDirectory: directory, goFlag: MainPackageCheckCacheTests.go,
                                      versionOverride: "1.0.0", environment: env)
            options.hashSourceTree = release
            options.only = ["linux/amd64"]
            return try PlanBuilder.plan(options, preparingSigners: false)
        }
    }

    @Test func aPassIsRememberedForTheSameTreeAndCheckedAgainAfterAnEdit() throws {
        let module = try Module()
        let first = try module.plan()
        #expect(first.sourceTree == CellFingerprint.sourceTree(of: first), "the planner's hash is the fingerprint's")
        let recorded = module.passes()
        #expect(recorded.count == 1)
        // Unchanged: the same pass answers (no new file).
        _ = try module.plan()
        #expect(module.passes() == recorded)
        // The package is now a library: the remembered pass is for another tree, so go list runs and refuses it.
        try "package tool\n\nfunc Hello() {}\n".write(
            to: module.directory.appendingPathComponent("main.go"), atomically: true, encoding: .utf8)
        #expect(throws: ShipdeckError.self) { try module.plan() }
        #expect(module.passes() == recorded, "a failure is never remembered")
        // Back to a main package, with an extra file: checked again and remembered under the new tree.
        try "package main\n\nfunc main() {}\n".write(
            to: module.directory.appendingPathComponent("main.go"), atomically: true, encoding: .utf8)
        try "package main\n".write(to: module.directory.appendingPathComponent("extra.go"), atomically: true, encoding: .utf8)
        _ = try module.plan()
        #expect(module.passes().count == 2)
    }

    @Test func otherCommandsNeitherHashNorRemember() throws {
        let module = try Module()
        let plan = try module.plan(release: false)
        #expect(plan.sourceTree == nil)
        #expect(module.passes().isEmpty)
    }

    @Test func aWorkspaceFileAboveTheModuleCounts() throws {
        let module = try Module()
        let parent = module.directory.deletingLastPathComponent()
        #expect(CellFingerprint.workspaceFile(above: module.directory) == "none")
        try "go 1.22\n\nuse ./tool\n".write(to: parent.appendingPathComponent("go.work"), atomically: true, encoding: .utf8)
        let one = CellFingerprint.workspaceFile(above: module.directory)
        #expect(one.hasPrefix(parent.resolvingSymlinksInPath().appendingPathComponent("go.work").path + " "))
        try "go 1.22\n\nuse ./tool\nuse ./other\n".write(to: parent.appendingPathComponent("go.work"), atomically: true, encoding: .utf8)
        #expect(CellFingerprint.workspaceFile(above: module.directory) != one)
    }
}
