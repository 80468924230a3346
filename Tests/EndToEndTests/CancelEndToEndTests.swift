import Foundation
import Testing
@testable import ShipdeckEngine

/// Cancel through the engine API kills the cell's whole process tree, grandchildren included.
@Suite(.serialized, .ownThreads) struct CancelEndToEndTests {
    /// A `go` that behaves like the real one except for `build`, which starts a grandchild and hangs.
    func hangingGo(marker: String) throws -> URL {
        let dir = TestSupport.temporaryDirectory("hanging-go")
        let script = dir.appendingPathComponent("go")
        try """
            #!/bin/sh
            if [ "$1" = "build" ]; then
              echo "building (pretend)"
              sleep \(marker) &
              sleep \(marker)
              exit 0
            fi
            exec \(TestSupport.goBinary) "$@"
            """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script
    }

    func processes(matching pattern: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard Int(entry) != nil,
                  let cmd = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8) else { return nil }
            let text = cmd.replacingOccurrences(of: "\0", with: " ")
            return text.contains(pattern) ? text : nil
        }
    }

    final class Collector: ReleaseObserver, @unchecked Sendable {
        let lock = NSLock()
        var events: [EngineEvent] = []
        func release(didEmit record: EventRecord, state: ReleaseState) { lock.withLock { events.append(record.event) } }
    }

    @Test func cancelKillsTheCellsWholeTree() throws {
        let marker = "985.\(Int.random(in: 100...999))"
        let module = TestSupport.copyFixture("hello", example: true)
        var options = PlanOptions(moduleDirectory: module, goFlag: try hangingGo(marker: marker).path)
        options.only = ["linux/amd64"]
        let plan = try PlanBuilder.plan(options)
        let engine = ReleaseEngine(plan: plan)
        let collector = Collector()
        engine.hub.add(collector)
        try engine.start()

        let deadline = Date().addingTimeInterval(20)
        while processes(matching: "sleep \(marker)").count < 2, Date() < deadline { usleep(50_000) }
        #expect(processes(matching: "sleep \(marker)").count == 2)

        #expect(engine.cancel(cell: "linux/amd64"))
        let outcome = engine.waitUntilFinished()
        #expect(outcome == .cancelled)
        #expect(processes(matching: "sleep \(marker)").isEmpty)
        let state = engine.hub.snapshot()
        #expect(state.cell("linux/amd64")?.status == .cancelled)
        #expect(state.cell("linux/amd64")?.log.ordered.contains("building (pretend)") == true)
    }

    /// go's work folders (go-build*) under `folder`, at any depth.
    func goWorkFolders(under folder: URL) -> [String] {
        let paths = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
        return paths.filter { URL(fileURLWithPath: $0).lastPathComponent.hasPrefix("go-build") }
    }

    /// A real go build stopped mid-compile dies by SIGTERM without removing its $WORK: it must not be
    /// left in TMPDIR (where each cancel, timeout or interrupted release used to leave one).
    @Test func aCancelledGoBuildLeavesNoWorkFolderBehind() throws {
        let module = TestSupport.copyFixture("hello", example: true)
        let temporary = TestSupport.temporaryDirectory("cancel-tmpdir")
        let cache = TestSupport.temporaryDirectory("cancel-gocache")  // empty: go compiles for seconds
        var env = TestSupport.childEnvironment
        env["TMPDIR"] = temporary.path
        env["GOCACHE"] = cache.path
        var options = PlanOptions(moduleDirectory: module, environment: env)
        options.only = ["linux/amd64"]
        let engine = ReleaseEngine(plan: try PlanBuilder.plan(options))
        try engine.start()

        // go makes $WORK before it starts compiling; the build runs for seconds after that.
        var building: [String] = []
        let deadline = Date().addingTimeInterval(60)
        while building.isEmpty, Date() < deadline {
            usleep(20_000)
            building = goWorkFolders(under: module) + goWorkFolders(under: temporary)
        }
        try #require(!building.isEmpty, "go build made no work folder")
        #expect(engine.cancel(cell: "linux/amd64"))
        #expect(engine.waitUntilFinished() == .cancelled)
        #expect(goWorkFolders(under: temporary).isEmpty, "left in TMPDIR: \(goWorkFolders(under: temporary))")
        #expect(goWorkFolders(under: module).isEmpty, "left in the module: \(goWorkFolders(under: module))")
    }

    @Test func retryAfterFailureRunsANewAttemptAndReleaseStepsAgain() throws {
        let module = TestSupport.copyFixture("broken-windows")
        var options = PlanOptions(moduleDirectory: module)
        options.only = ["linux/amd64", "windows/amd64"]
        let plan = try PlanBuilder.plan(options)
        let engine = ReleaseEngine(plan: plan)
        try engine.start()
        #expect(engine.waitUntilFinished() == .failed)
        #expect(engine.hub.snapshot().cell("windows/amd64")?.status == .failed)

        try "package main\n\nfunc platform() string { return \"windows\" }\n"
            .write(to: module.appendingPathComponent("platform_windows.go"), atomically: true, encoding: .utf8)
        #expect(engine.retryFailed() == 1)
        _ = engine.hub.waitForFinish(after: 1)
        let state = engine.hub.snapshot()
        #expect(state.outcome == .succeeded)
        let cell = try #require(state.cell("windows/amd64"))
        #expect(cell.attempt == 2)
        #expect(cell.previousAttempts.first?.status == .failed)
        let sums = try String(contentsOf: plan.distDirectory.appendingPathComponent("checksums.txt"), encoding: .utf8)
        #expect(sums.contains("windows_amd64.exe"))
    }
}
