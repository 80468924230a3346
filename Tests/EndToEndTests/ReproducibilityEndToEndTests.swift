import Foundation
import Testing

/// `--verify-reproducible`: every cell is built twice (another path, an empty GOCACHE) and compared.
/// The modules import nothing: each second build compiles the standard library it needs from
/// scratch, and for a module that imports fmt that is twice as much (tiny-hello's README).
@Suite(.serialized, .ownThreads) struct ReproducibilityEndToEndTests {
    @Test func aModuleIsReproducibleForEveryCell() throws {
        let module = TestSupport.copyFixture("tiny-hello", git: true, tag: "v2.0.0")
        try "targets: [linux/amd64, windows/amd64]\narchive:\n  format: binary\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["release", "--no-tui", "--verify-reproducible"], in: module)
        #expect(out.status == 0, "\(out.combined)")
        for cell in ["linux/amd64", "windows/amd64"] {
            #expect(out.stdout.contains("[\(cell)] reproducibility ok"), "\(out.stdout)")
        }
        #expect(out.stdout.contains("reproducible: 2 of 2 cells"), "\(out.stdout)")
        // The second builds went elsewhere: nothing but the release is in dist/.
        let names = try FileManager.default.contentsOfDirectory(atPath: module.appendingPathComponent("dist").path)
        #expect(!names.contains { $0.contains("gocache") })
    }

    @Test func aBinaryThatEmbedsItsBuildTimeIsNotReproducibleAndTheCauseIsNamed() throws {
        let module = TestSupport.copyFixture("buildtime-hello")
        try "targets: [linux/amd64]\narchive:\n  format: binary\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let wrapper = module.appendingPathComponent("go-with-build-time").path
        let out = TestSupport.shipdeck(["release", "--no-tui", "--verify-reproducible", "--go", wrapper], in: module)
        #expect(out.status != 0, "\(out.combined)")
        #expect(out.stdout.contains("[linux/amd64] reproducibility FAILED"), "\(out.stdout)")
        #expect(out.stdout.contains("NOT reproducible: "), "\(out.stdout)")
        #expect(out.stdout.contains("cause: the binary embeds its build time"), "\(out.stdout)")
        #expect(out.stdout.contains("first difference at byte"), "\(out.stdout)")
        #expect(out.stdout.contains("reproducible: 0 of 1 cells"), "\(out.stdout)")
    }
}
