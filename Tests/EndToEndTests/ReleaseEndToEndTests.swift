import Foundation
import Testing

@testable import ShipdeckEngine

/// `shipdeck release --no-tui` with the real Go toolchain on real modules.
@Suite(.serialized, .ownThreads) struct ReleaseEndToEndTests {
    static let fourTargets = ["linux/amd64", "linux/arm64", "windows/amd64", "darwin/arm64"]

    func release(_ module: URL, targets: [String], extra: [String] = [], environment: [String: String] = [:])
        -> TestSupport.Output
    {
        TestSupport.shipdeck(["release", "--no-tui"] + targets.flatMap { ["--target", $0] } + extra, in: module,
                             environment: environment)
    }

    func configure(_ module: URL, targets: [String]) throws {
        let yaml = "targets:\n" + targets.map { "  - \($0)\n" }.joined() + "archive:\n  format: binary\n"
        try yaml.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
    }

    @Test func crossCompilesFourPlatformsWithTheRightHeadersAndVersion() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v1.2.3")
        try configure(module, targets: Self.fourTargets)
        let out = release(module, targets: [])
        #expect(out.status == 0, "\(out.combined)")
        let dist = module.appendingPathComponent("dist")

        func header(_ name: String) -> [UInt8] { TestSupport.header(of: dist.appendingPathComponent(name)) }
        // ELF, e_machine at offset 18: 0x3e x86-64, 0xb7 aarch64.
        let linuxAmd64 = header("hello_1.2.3_linux_amd64")
        #expect(Array(linuxAmd64.prefix(4)) == [0x7f, 0x45, 0x4c, 0x46])
        #expect(linuxAmd64[18] == 0x3e)
        let linuxArm64 = header("hello_1.2.3_linux_arm64")
        #expect(Array(linuxArm64.prefix(4)) == [0x7f, 0x45, 0x4c, 0x46])
        #expect(linuxArm64[18] == 0xb7)
        // PE: "MZ", then at e_lfanew "PE\0\0" and machine 0x8664.
        let exe = TestSupport.header(of: dist.appendingPathComponent("hello_1.2.3_windows_amd64.exe"), count: 512)
        #expect(Array(exe.prefix(2)) == [0x4d, 0x5a])
        let peOffset = Int(exe[0x3c]) | Int(exe[0x3d]) << 8
        #expect(Array(exe[peOffset..<peOffset + 4]) == [0x50, 0x45, 0, 0])
        #expect(Int(exe[peOffset + 4]) | Int(exe[peOffset + 5]) << 8 == 0x8664)
        // Mach-O 64-bit little endian (cf fa ed fe), cputype arm64 = 0x0100000c.
        let macho = header("hello_1.2.3_darwin_arm64")
        #expect(Array(macho.prefix(4)) == [0xcf, 0xfa, 0xed, 0xfe])
        #expect(Array(macho[4..<8]) == [0x0c, 0x00, 0x00, 0x01])

        let version = TestSupport.run(dist.appendingPathComponent("hello_1.2.3_linux_amd64").path, ["-version"], in: dist)
        #expect(version.stdout == "1.2.3\n")

        let check = TestSupport.run("/usr/bin/sha256sum", ["-c", "checksums.txt"], in: dist)
        #expect(check.status == 0, "\(check.combined)")
        #expect(check.stdout.components(separatedBy: ": OK").count - 1 == 4)

        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: dist.appendingPathComponent("artifacts.json")))
        let entries = try #require(manifest as? [[String: Any]])
        let binary = try #require(entries.first { $0["name"] as? String == "hello_1.2.3_linux_arm64" })
        #expect(binary["goos"] as? String == "linux")
        #expect(binary["goarch"] as? String == "arm64")
        #expect(binary["type"] as? String == "Binary")
        #expect((binary["sha256"] as? String)?.count == 64)
        #expect((binary["size"] as? Int ?? 0) > 100_000)
    }

    @Test func twoReleasesInDifferentDirectoriesAreByteIdentical() throws {
        let a = TestSupport.copyFixture("hello", example: true, git: true)
        let b = TestSupport.copyFixture("hello", example: true, git: true)
        #expect(a.path != b.path)
        for module in [a, b] { try configure(module, targets: ["linux/amd64", "windows/amd64"]) }
        // Same commit content and dates, so same commit id and version.
        for module in [a, b] {
            let out = release(module, targets: [])
            #expect(out.status == 0, "\(out.combined)")
        }
        let sumsA = try String(contentsOf: a.appendingPathComponent("dist/checksums.txt"), encoding: .utf8)
        let sumsB = try String(contentsOf: b.appendingPathComponent("dist/checksums.txt"), encoding: .utf8)
        #expect(sumsA == sumsB)
        #expect(sumsA.split(separator: "\n").count == 2)
    }

    /// go build (and only go build) runs with GOGC and GOMEMLIMIT set by Shipdeck, unless the config's
    /// `env:` or the user's environment sets either; the binary is the same bytes every way.
    @Test func goBuildCollectsGarbageLessUnlessTheUserSaysOtherwise() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v1.2.3")
        let folder = module.deletingLastPathComponent()
        let log = folder.appendingPathComponent("go-calls"), go = folder.appendingPathComponent("go")
        try """
        #!/bin/sh
        echo "$1 GOGC=${GOGC-unset} GOMEMLIMIT=${GOMEMLIMIT-unset}" >> \(log.path)
        exec \(TestSupport.goBinary) "$@"
        """.write(to: go, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: go.path)
        let sums = module.appendingPathComponent("dist/checksums.txt")

        func builds(_ environment: [String: String]) throws -> (calls: [String], sums: String) {
            try? FileManager.default.removeItem(at: log)
            let out = release(module, targets: [], extra: ["--go", go.path, "--clean", "--no-cache"],
                              environment: ["GOGC": "", "GOMEMLIMIT": ""].merging(environment) { $1 })
            #expect(out.status == 0, "\(out.combined)")
            let calls = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
            return (calls, try String(contentsOf: sums, encoding: .utf8))
        }

        try configure(module, targets: ["linux/amd64"])
        let limit = CompilerGarbageCollection.limit(memory: CompilerGarbageCollection.availableMemory,
                                                    cores: ProcessInfo.processInfo.activeProcessorCount) >> 20
        let tuned = try builds([:])
        #expect(tuned.calls.filter { $0.hasPrefix("build ") } == ["build GOGC=800 GOMEMLIMIT=\(limit)MiB"])
        // Planning's go env / go list are not builds: they get nothing.
        let others = tuned.calls.filter { !$0.hasPrefix("build ") }
        #expect(others.allSatisfy { $0.hasSuffix(" GOGC=unset GOMEMLIMIT=unset") }, "\(others)")

        let user = try builds(["GOMEMLIMIT": "3GiB"])
        #expect(user.calls.filter { $0.hasPrefix("build ") } == ["build GOGC=unset GOMEMLIMIT=3GiB"])
        #expect(user.sums == tuned.sums)

        try (String(contentsOf: module.appendingPathComponent("shipdeck.yml"), encoding: .utf8) + "env: [GOGC=150]\n")
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let config = try builds([:])
        #expect(config.calls.filter { $0.hasPrefix("build ") } == ["build GOGC=150 GOMEMLIMIT=unset"])
        #expect(config.sums == tuned.sums)
    }

    /// Two cells building at once: each go build gets `-p <cores>` and GOMAXPROCS at half the cores
    /// (GoThreads), except the last to start, which ends alone; one at a time, go's defaults; a
    /// GOMAXPROCS in the config's `env:` is the user's. The binaries are the same bytes every way.
    @Test func buildsSharingTheCoresGetFewerThreadsAndTheSameBinaries() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v1.2.3")
        let folder = module.deletingLastPathComponent()
        let log = folder.appendingPathComponent("go-calls"), go = folder.appendingPathComponent("go")
        try """
        #!/bin/sh
        [ "$1" = build ] && echo "$1 $2 $3 GOMAXPROCS=${GOMAXPROCS-unset}" >> \(log.path)
        exec \(TestSupport.goBinary) "$@"
        """.write(to: go, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: go.path)
        let sums = module.appendingPathComponent("dist/checksums.txt")

        func builds(_ parallelism: Int) throws -> (calls: [String], sums: String) {
            try? FileManager.default.removeItem(at: log)
            let out = release(module, targets: [], extra: ["--go", go.path, "--clean", "--no-cache",
                                                           "--parallelism", String(parallelism)])
            #expect(out.status == 0, "\(out.combined)")
            let calls = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
            return (calls, try String(contentsOf: sums, encoding: .utf8))
        }

        try configure(module, targets: ["linux/amd64", "darwin/arm64", "windows/amd64"])
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let shared = try builds(2)
        // The first two start together; the third, when one of them is done, is the last.
        #expect(shared.calls == Array(repeating: "build -p \(cores) GOMAXPROCS=\(max(1, cores / 2))", count: 2)
            + ["build -trimpath -buildvcs=false GOMAXPROCS=unset"])
        let alone = try builds(1)
        #expect(alone.calls == Array(repeating: "build -trimpath -buildvcs=false GOMAXPROCS=unset", count: 3))
        #expect(alone.sums == shared.sums)

        try (String(contentsOf: module.appendingPathComponent("shipdeck.yml"), encoding: .utf8) + "env: [GOMAXPROCS=1]\n")
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let user = try builds(2)
        #expect(user.calls == Array(repeating: "build -trimpath -buildvcs=false GOMAXPROCS=1", count: 3))
        #expect(user.sums == shared.sums)
    }

    @Test func aCellThatDoesNotCompileFailsAlone() throws {
        let module = TestSupport.copyFixture("broken-windows")
        try configure(module, targets: ["linux/amd64", "windows/amd64", "darwin/arm64"])
        let out = release(module, targets: [])
        #expect(out.status == 1, "\(out.combined)")
        #expect(out.stdout.contains("[windows/amd64] failed"))
        #expect(out.stdout.contains("[linux/amd64] succeeded"))
        #expect(out.stdout.contains("[darwin/arm64] succeeded"))
        // The summary names the failing cell and shows the compiler's error.
        let summary = try #require(out.stdout.range(of: "Summary")).upperBound
        let tail = String(out.stdout[summary...])
        #expect(tail.contains("windows/amd64 failed: go build failed (exit status 1)"))
        #expect(tail.contains("platform_windows.go:4"))
        #expect(tail.contains("release FAILED: 1 of 3 cells failed"))
        let sums = try String(contentsOf: module.appendingPathComponent("dist/checksums.txt"), encoding: .utf8)
        #expect(sums.split(separator: "\n").count == 2)
        #expect(!sums.contains("windows"))
    }

    @Test func whenNoCellSucceedsNoEmptyChecksumsFileIsWritten() throws {
        let module = TestSupport.copyFixture("broken-windows")
        try configure(module, targets: ["windows/amd64"])
        let out = release(module, targets: [])
        #expect(out.status == 1)
        #expect(out.stdout.contains("checksums skipped (0.0s): no cell succeeded"))
        #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent("dist/checksums.txt").path))
        #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent("dist/artifacts.json").path))
    }

    @Test func jsonModePrintsOneEventPerLine() throws {
        let module = TestSupport.copyFixture("hello", example: true)
        try configure(module, targets: ["linux/amd64"])
        let out = release(module, targets: [], extra: ["--json"])
        #expect(out.status == 0, "\(out.combined)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count > 5)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            // Event schema 2 (docs/events.md): flat objects with seq, time and a type.
            #expect(object?["seq"] != nil && object?["time"] != nil && object?["type"] is String, "\(line)")
        }
        #expect(lines.first?.contains(#""type":"releaseStarted""#) == true)
        #expect(lines.last?.contains(#""type":"releaseFinished""#) == true)
    }

    @Test func githubActionsGroupsLogsAndMarksFailures() throws {
        let module = TestSupport.copyFixture("broken-windows")
        try configure(module, targets: ["windows/amd64"])
        let out = release(module, targets: [], environment: ["GITHUB_ACTIONS": "true"])
        #expect(out.status == 1)
        #expect(out.stdout.contains("::group::windows/amd64 log (attempt 1)"))
        #expect(out.stdout.contains("::endgroup::"))
        // Build output sits between stop-commands and its token, so a build cannot issue commands.
        let lines = out.stdout.split(separator: "\n").map(String.init)
        let stop = try #require(lines.firstIndex { $0.hasPrefix("::stop-commands::") })
        let token = String(lines[stop].dropFirst("::stop-commands::".count))
        let resume = try #require(lines.firstIndex(of: "::\(token)::"))
        let compilerError = try #require(lines.firstIndex { $0.contains("platform_windows.go:4") })
        #expect(stop < compilerError && compilerError < resume)
        #expect(token.count > 20)
        #expect(out.stdout.contains("::error title=windows/amd64 failed::go build failed"))
    }
}
