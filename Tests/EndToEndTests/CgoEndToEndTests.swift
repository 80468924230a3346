import Foundation
import Testing

@testable import ShipdeckEngine

/// cgo through `zig cc`: a Go module with C code, built for linux/amd64 and linux/arm64.
///
/// zig compiles musl libc once per target triple into its global cache (both triples together
/// about 1.8 min of a release on 2 cores the first time, seconds after; see
/// ZigToolchain.sharedLibcLinkFlags), so every test here shares one cache directory that outlives
/// the test run. Only the first test builds; the others only plan, and zig locks its own cache, so
/// they run beside it: serialized, they waited for that first build (on a new machine the suite's
/// 55 s of plans came after its 196 s build, the last thing the whole test run waited for).
@Suite(.ownThreads) struct CgoEndToEndTests {
    static let zigCache = FileManager.default.homeDirectoryForCurrentUser
        .appendingPathComponent(".cache/shipdeck-tests/zig").path

    var environment: [String: String] { ["ZIG_GLOBAL_CACHE_DIR": Self.zigCache] }

    @Test func buildsStaticBinariesForBothArchitecturesThatPrintTheVersion() throws {
        let module = TestSupport.copyFixture("cgo-hello", git: true, tag: "v1.2.3")
        let plan = TestSupport.shipdeck(["plan"], in: module, environment: environment)
        #expect(plan.status == 0, "\(plan.combined)")
        #expect(
            plan.stdout.contains("CC='") && plan.stdout.contains(" cc -target x86_64-linux-musl'"), "\(plan.stdout)")
        #expect(plan.stdout.contains(" c++ -target aarch64-linux-musl'"), "\(plan.stdout)")
        #expect(plan.stdout.contains("CGO_ENABLED=1"))
        #expect(plan.stdout.contains("-X main.version=1.2.3 -extldflags \"-s -fPIC\"'"), "\(plan.stdout)")
        #expect(plan.stdout.contains("CGO_LDFLAGS='-O2 -g -s'"), "\(plan.stdout)")
        #expect(plan.stdout.contains("ZIG_GLOBAL_CACHE_DIR=\(Self.zigCache)"))

        let out = TestSupport.shipdeck(["release", "--no-tui"], in: module, environment: environment)
        #expect(out.status == 0, "\(out.combined)")
        let dist = module.appendingPathComponent("dist")
        let amd64 = dist.appendingPathComponent("cgohello_1.2.3_linux_amd64")
        let arm64 = dist.appendingPathComponent("cgohello_1.2.3_linux_arm64")
        #expect(
            try ExecutableHeader.read(path: amd64.path)
                == ExecutableHeader(format: .elf, goarch: "amd64", isStatic: true))
        #expect(
            try ExecutableHeader.read(path: arm64.path)
                == ExecutableHeader(format: .elf, goarch: "arm64", isStatic: true))
        let file = TestSupport.run("/usr/bin/file", [amd64.path, arm64.path], in: dist)
        #expect(file.stdout.components(separatedBy: "statically linked").count - 1 == 2, "\(file.stdout)")
        #expect(file.stdout.components(separatedBy: ", stripped").count - 1 == 2, "\(file.stdout)")

        // amd64 runs here; arm64 under qemu-aarch64. The C code answers too.
        #expect(TestSupport.run(amd64.path, ["-version"], in: dist).stdout == "1.2.3\n")
        #expect(TestSupport.run(amd64.path, [], in: dist).stdout == "cgo says 42\n")
        let qemu = try #require(ProcessRunner.which("qemu-aarch64"), "qemu-user is installed by scripts/bootstrap")
        #expect(TestSupport.run(qemu, [arm64.path, "-version"], in: dist).stdout == "1.2.3\n")
        #expect(TestSupport.run(qemu, [arm64.path], in: dist).stdout == "cgo says 42\n")
        // The smoke stage ran both the same way.
        #expect(out.combined.contains("[linux/amd64] smoke ok"), "\(out.combined)")
        #expect(out.combined.contains("ran natively: printed 1.2.3"))
        #expect(out.combined.contains("ran under qemu-aarch64: printed 1.2.3"))
    }

    @Test func aCgoTargetWithoutZigIsAClearError() throws {
        let module = TestSupport.copyFixture("cgo-hello")
        // PATH with go only: no zig, and no python3 to find the ziglang package with.
        let bin = TestSupport.temporaryDirectory("bin")
        try FileManager.default.createSymbolicLink(
            atPath: bin.appendingPathComponent("go").path,
            withDestinationPath: URL(fileURLWithPath: TestSupport.goBinary).resolvingSymlinksInPath().path)
        let out = TestSupport.shipdeck(["plan"], in: module, environment: ["PATH": bin.path, "ZIG": ""])
        #expect(out.status != 0)
        #expect(
            out.stderr.contains(
                "target linux/amd64 has cgo: true, which needs zig as its C compiler, but no zig was found"),
            "\(out.stderr)")
        #expect(out.stderr.contains("hint: install zig"), "\(out.stderr)")
    }

    @Test func aZigVariableThatIsNotAnExecutableIsAClearError() throws {
        let module = TestSupport.copyFixture("cgo-hello")
        let out = TestSupport.shipdeck(["plan"], in: module, environment: ["ZIG": "/nonexistent/zig"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("$ZIG names /nonexistent/zig, which is not an executable zig"), "\(out.stderr)")
    }

    @Test func aTargetZigDoesNotKnowIsAClearError() throws {
        let module = TestSupport.copyFixture("cgo-hello")
        try "targets:\n  - { target: openbsd/amd64, cgo: true }\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["plan"], in: module, environment: environment)
        #expect(out.status != 0)
        #expect(
            out.stderr.contains(
                "shipdeck.yml:2: zig does not know a C target for openbsd/amd64, so cgo: true cannot build it"),
            "\(out.stderr)")
        #expect(out.stderr.contains("zig_target:"))
    }

    @Test func darwinCgoIsRefusedAtPlanTimeWithTheReason() throws {
        let module = TestSupport.copyFixture("cgo-hello")
        try "targets:\n  - { target: darwin/arm64, cgo: true }\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["plan"], in: module, environment: environment)
        #expect(out.status != 0)
        #expect(
            out.stderr.contains("zig cannot link cgo binaries for darwin/arm64 without the macOS SDK"), "\(out.stderr)")
    }

    /// go links a cgo build twice (runtime/cgo's test link, then the binary), and zig builds its libc
    /// once per strip and PIC setting it is linked with: the plan makes both links ask for the same one.
    @Test func bothOfGosLinksAskZigForTheSameLibc() throws {
        let module = TestSupport.copyFixture("cgo-hello")
        try """
            targets:
              - { target: linux/amd64, cgo: true }
              - { target: windows/amd64, cgo: true }
            env:
              CGO_LDFLAGS: -L/opt/c/lib
            """.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["plan"], in: module, environment: environment)
        #expect(out.status == 0, "\(out.combined)")
        let cmds = out.stdout.split(separator: "\n").filter { $0.contains("cmd: ") }
        #expect(cmds.count == 2, "\(out.stdout)")
        // Outside windows go compiles and test-links with -fPIC, so the final link gets it too.
        #expect(cmds.contains { $0.contains("_linux_amd64") && $0.contains("-extldflags \"-s -fPIC\"'") }, "\(out.stdout)")
        #expect(cmds.contains { $0.contains("_windows_amd64.exe") && $0.contains("-extldflags -s'") }, "\(out.stdout)")
        // The test link strips too; the config's own flags are kept.
        #expect(out.stdout.components(separatedBy: "CGO_LDFLAGS='-L/opt/c/lib -s'").count - 1 == 2, "\(out.stdout)")

        // The config's own -extldflags is left as it is, and so is CGO_LDFLAGS.
        try "targets:\n  - { target: linux/amd64, cgo: true }\nldflags: [-extldflags=-static]\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let own = TestSupport.shipdeck(["plan"], in: module, environment: environment)
        #expect(own.status == 0, "\(own.combined)")
        #expect(own.stdout.contains("-extldflags=-static'"), "\(own.stdout)")
        #expect(!own.stdout.contains("-fPIC") && !own.stdout.contains("CGO_LDFLAGS"), "\(own.stdout)")
    }

    @Test func aZigTargetOverrideSelectsGlibc() throws {
        let module = TestSupport.copyFixture("cgo-hello")
        try "targets:\n  - { target: linux/amd64, cgo: true, zig_target: x86_64-linux-gnu.2.28 }\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["plan"], in: module, environment: environment)
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.stdout.contains(" cc -target x86_64-linux-gnu.2.28'"), "\(out.stdout)")
    }
}
