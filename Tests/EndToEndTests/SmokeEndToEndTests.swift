import Foundation
import Testing

@testable import ShipdeckEngine

/// The smoke-test stage on real binaries: native, qemu-user, wine or a header check, and a missing
/// emulator reported as skipped.
@Suite(.serialized, .ownThreads) struct SmokeEndToEndTests {
    func configure(_ module: URL, _ yaml: String) throws {
        try yaml.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
    }

    @Test func catchesABinaryThatPrintsTheWrongVersion() throws {
        let module = TestSupport.copyFixture("wrong-version", git: true, tag: "v1.2.3")
        let out = TestSupport.shipdeck(["release", "--no-tui"], in: module)
        #expect(out.status != 0, "\(out.combined)")
        #expect(out.combined.contains("[linux/amd64] smoke FAILED"), "\(out.combined)")
        #expect(
            out.combined.contains("ran natively: output does not contain version 1.2.3; it printed: 9.9.9"),
            "\(out.combined)")
        #expect(
            !FileManager.default.fileExists(atPath: module.appendingPathComponent("dist/hello_1.2.3_linux_amd64").path),
            "a binary that failed its smoke test is not published")
    }

    @Test func eachTargetSaysWhichCheckRan() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v1.2.3")
        try configure(
            module,
            """
            smoke: true
            targets: [linux/amd64, linux/arm64, darwin/arm64, windows/amd64]
            archive: { format: binary }
            """)
        let out = TestSupport.shipdeck(["release", "--no-tui"], in: module)
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.combined.contains("[linux/amd64] smoke ok"), "\(out.combined)")
        #expect(out.combined.contains("ran natively: printed 1.2.3"), "\(out.combined)")
        #expect(out.combined.contains("ran under qemu-aarch64: printed 1.2.3"), "\(out.combined)")
        #expect(
            out.combined.contains("header check: Mach-O arm64 ok (not run: darwin binaries cannot run on linux)"),
            "\(out.combined)")
        // windows/amd64: wine runs it where wine can; Debian 12's wine 8 cannot start Go 1.24+ binaries and says so.
        let wineLine =
            out.combined.split(separator: "\n").first {
                $0.contains("[windows/amd64] smoke") && !$0.contains("started")
            }.map(String.init) ?? ""
        #expect(
            wineLine.contains("ran under wine: printed 1.2.3") || wineLine.contains("wine lacks bcryptprimitives.dll")
                || wineLine.contains("header check: PE amd64 ok (not run: wine not installed)"), "\(wineLine)")
    }

    @Test func aMissingEmulatorIsSkippedNeverPassed() throws {
        let module = TestSupport.copyFixture("hello", example: true, git: true, tag: "v1.2.3")
        try configure(module, "targets: [{ target: linux/arm64, smoke: true }]\narchive: { format: binary }\n")
        // A PATH with go and git but no qemu.
        let bin = TestSupport.temporaryDirectory("bin")
        for tool in [TestSupport.goBinary, "/usr/bin/git"] {
            try FileManager.default.createSymbolicLink(
                atPath: bin.appendingPathComponent((tool as NSString).lastPathComponent).path,
                withDestinationPath: URL(fileURLWithPath: tool).resolvingSymlinksInPath().path)
        }
        let out = TestSupport.shipdeck(["release", "--no-tui"], in: module, environment: ["PATH": bin.path])
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.combined.contains("[linux/arm64] smoke skipped"), "\(out.combined)")
        #expect(
            out.combined.contains("skipped: qemu-aarch64 not installed (header check: ELF arm64 (static) ok)"),
            "\(out.combined)")
        #expect(!out.combined.contains("smoke ok"))
    }
}
