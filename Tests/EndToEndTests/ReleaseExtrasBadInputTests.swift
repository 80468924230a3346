import Foundation
import Testing

/// Bad `sbom:`, `changelog:` and `universal_binaries:` input fails at plan time: exit 2, the key
/// named, a hint, and nothing built (no dist/).
@Suite(.ownThreads) struct ReleaseExtrasBadInputTests {
    func release(_ yaml: String) throws -> (TestSupport.Output, URL) {
        let module = TestSupport.copyFixture("hello", example: true)
        try yaml.write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        return (TestSupport.shipdeck(["release", "--no-tui"], in: module), module)
    }

    func expectPlanError(_ yaml: String, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (out, module) = try release(yaml)
        #expect(out.status == 2, "\(out.combined)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(out.stderr.contains(fragment), "missing '\(fragment)' in: \(out.stderr)", sourceLocation: sourceLocation)
        }
        #expect(out.stderr.contains("hint: "), sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: module.appendingPathComponent("dist").path),
                "nothing was built", sourceLocation: sourceLocation)
    }

    @Test func aChangelogGroupWithAnInvalidRegexp() throws {
        try expectPlanError("changelog:\n  groups:\n    - title: Features\n      regexp: '^feat(['\n",
                            ["shipdeck.yml:4: changelog.groups[0].regexp: '^feat([' is not a valid regular expression"])
    }

    @Test func universalBinariesWithoutBothDarwinCells() throws {
        try expectPlanError("targets: [linux/amd64, darwin/arm64]\nuniversal_binaries:\n  - replace: true\n",
                            ["universal_binaries needs the darwin/amd64 and darwin/arm64 targets",
                             "darwin/amd64 is not planned"])
    }

    @Test func anUnknownSBOMFormat() throws {
        try expectPlanError("sbom: [spdx, swid]\n", ["sbom: unknown SBOM format 'swid'"])
    }

    @Test func aTargetFlagWithoutTheDarwinCellsLeavesTheUniversalBinaryOutWithAWarning() throws {
        let module = TestSupport.copyFixture("hello", example: true)
        try "targets: [linux/amd64, darwin/amd64, darwin/arm64]\nuniversal_binaries: [{}]\n"
            .write(to: module.appendingPathComponent("shipdeck.yml"), atomically: true, encoding: .utf8)
        let out = TestSupport.shipdeck(["plan", "--target", "linux/amd64"], in: module)
        #expect(out.status == 0, "\(out.combined)")
        #expect(out.combined.contains("universal_binaries: left out, --target does not include darwin/amd64 and darwin/arm64"),
                "\(out.combined)")
    }
}
