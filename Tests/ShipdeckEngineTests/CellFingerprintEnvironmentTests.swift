import Foundation
import Testing

@testable import ShipdeckEngine

/// What of a cell's environment and toolchain goes into its input fingerprint (the resume and
/// artifact cache key): where caches live never does; HOME and PATH only where they can reach the
/// binary (cgo, no -trimpath, a program run through the go arguments); the Go version always.
@Suite struct CellFingerprintEnvironmentTests {
    /// A stand-in go executable (only its path, size and mtime are read).
    let goPath: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-go-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("go".utf8))
        return path
    }()

    let base = ["PATH": "/usr/bin:/bin", "HOME": "/root", "GOCACHE": "/root/.cache/go-build", "TMPDIR": "/tmp",
                "XDG_CACHE_HOME": "/root/.cache", "USER": "root", "GOPROXY": "https://proxy.golang.org"]

    func plan(_ env: [String: String], config: ShipdeckConfig = ShipdeckConfig()) throws -> BuildPlan {
        let toolchain = GoToolchain(path: goPath, version: "go1.27.3", ports: ["linux/amd64": true],
                                    hostTarget: BuildTarget(goos: "linux", goarch: "amd64"))
        let source = SourceInfo(moduleDirectory: "/tmp", modulePath: "example.com/x", pinnedToolchain: nil,
                                commit: "0123456789abcdef0123456789abcdef01234567", exactTag: "v1.0.0",
                                commitTime: 1_700_000_000)
        var config = config
        config.targets = [TargetConfig(target: BuildTarget(goos: "linux", goarch: "amd64"))]
        var options = PlanOptions(moduleDirectory: URL(fileURLWithPath: "/tmp"), environment: env)
        options.distDirectory = URL(fileURLWithPath: "/tmp/dist")
        return try PlanBuilder.plan(config: config, source: source, toolchain: toolchain, options: options)
    }

    func fingerprint(_ plan: BuildPlan, _ change: (inout CellPlan) -> Void = { _ in }) -> String {
        var cell = plan.cells[0]
        change(&cell)
        return CellFingerprint(plan: plan, cell: cell, sourceTree: "tree").value
    }

    func fingerprint(_ env: [String: String], _ change: (inout CellPlan) -> Void = { _ in }) throws -> String {
        fingerprint(try plan(env), change)
    }

    /// A cgo cell as the planner makes it (CGO_ENABLED=1, cgo: true), without needing zig.
    static func cgo(_ cell: inout CellPlan) {
        cell.info.cgo = true
        cell.environment["CGO_ENABLED"] = "1"
    }

    @Test func movingCachesOrTempFilesKeepsTheFingerprint() throws {
        let before = try fingerprint(base)
        for (key, value) in [("GOCACHE", "/elsewhere/go-build"), ("TMPDIR", "/var/tmp"), ("XDG_CACHE_HOME", "/x"),
                             ("USER", "someone"), ("ZIG_GLOBAL_CACHE_DIR", "/z"), ("GOGC", "50"), ("GOMEMLIMIT", "2GiB")] {
            #expect(try fingerprint(base.merging([key: value]) { $1 }) == before, "\(key)")
        }
        // Also for a cgo cell: go and zig check what they find in their caches.
        let cgo = try fingerprint(base, Self.cgo)
        #expect(try fingerprint(base.merging(["GOCACHE": "/elsewhere"]) { $1 }, Self.cgo) == cgo)
        #expect(cgo != before)
    }

    @Test func pathAndHomeCountOnlyWhereTheyCanReachTheBinary() throws {
        let moved = base.merging(["PATH": "/opt/other/bin:/usr/bin", "HOME": "/home/ci", "GOMODCACHE": "/m"]) { $1 }
        // Pure Go with -trimpath (the default): go runs nothing from PATH and records no module cache path.
        #expect(try fingerprint(moved) == (try fingerprint(base)))
        // cgo: PATH finds the C compiler, linker and their helpers.
        #expect(try fingerprint(moved, Self.cgo) != (try fingerprint(base, Self.cgo)))
        // Without -trimpath the module cache's path (under HOME) is in the binary.
        let untrimmed = { (cell: inout CellPlan) in cell.buildArguments.removeAll { $0 == "-trimpath" } }
        #expect(try fingerprint(moved, untrimmed) != (try fingerprint(base, untrimmed)))
        // -toolexec runs a program found on PATH.
        let toolexec = { (cell: inout CellPlan) in cell.buildArguments += ["-toolexec", "wrap"] }
        #expect(try fingerprint(moved, toolexec) != (try fingerprint(base, toolexec)))
        // An external linker (-linkmode=external) is found on PATH too.
        let external = { (cell: inout CellPlan) in
            if let i = cell.buildArguments.firstIndex(of: "-ldflags") { cell.buildArguments[i + 1] += " -linkmode=external" }
        }
        #expect(try fingerprint(moved, external) != (try fingerprint(base, external)))
    }

    @Test func goEnvironmentThatReachesTheBuildStillCounts() throws {
        let before = try fingerprint(base)
        for (key, value) in [("GOPROXY", "off"), ("GOFLAGS", "-mod=mod"), ("GOENV", "/x"), ("CGO_ENABLED", "1"),
                             ("GOAMD64", "v3"), ("SOURCE_DATE_EPOCH", "1")] {
            #expect(try fingerprint(base) { $0.environment[key] = value } != before, "\(key)")
        }
        #expect(try fingerprint(base.merging(["GOPROXY": "off"]) { $1 }) != before)
    }

    @Test func theGoVersionCountsNotWhichExecutableHasIt() throws {
        let plan = try plan(base)
        let before = fingerprint(plan)
        // A wrapper or another install of the same version (the resume tests build through a slow-go wrapper).
        var other = plan
        other.toolchain.path = "/nonexistent/go"
        #expect(fingerprint(other) == before)
        var newer = plan
        newer.toolchain.version = "go1.27.4"
        #expect(fingerprint(newer) != before)
    }
}
