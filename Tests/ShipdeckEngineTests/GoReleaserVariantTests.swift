import Foundation
import Testing

@testable import ShipdeckEngine

/// Target variants (GOARM, GOAMD64, …) as shipdeck.yml lists them, named in files the way GoReleaser
/// names them, and `ignore:` rules that say what they dropped.
@Suite struct GoReleaserVariantTests {
    let toolchain = GoToolchain(
        path: "/usr/local/bin/go", version: "go1.27.3",
        ports: ["linux/amd64": true, "linux/arm64": true, "linux/arm": true, "linux/386": true, "linux/mips": true],
        hostTarget: BuildTarget(goos: "linux", goarch: "amd64"))

    func plan(_ yaml: String) throws -> BuildPlan {
        let config = try ConfigReader(file: "shipdeck.yml").parse(yaml)
        var options = PlanOptions(
            moduleDirectory: URL(fileURLWithPath: "/tmp"), versionOverride: "1.0.0",
            environment: ["PATH": "/usr/bin"])
        options.distDirectory = URL(fileURLWithPath: "/tmp/dist")
        let source = SourceInfo(
            moduleDirectory: "/tmp", modulePath: "example.com/tool", commit: nil, exactTag: nil, commitTime: nil)
        return try PlanBuilder.plan(config: config, source: source, toolchain: toolchain, options: options)
    }

    @Test func variantListsExpandPlainTargetsAndSetTheirVariables() throws {
        let plan = try plan(
            """
            targets: [linux/arm, linux/amd64, linux/arm64, linux/386/softfloat]
            goarm: [5, 6, 7]
            goamd64: [v1, v3]
            archive: { format: binary }
            """)
        #expect(
            plan.cells.map(\.id) == [
                "linux/arm/5", "linux/arm/6", "linux/arm/7", "linux/amd64/v1", "linux/amd64/v3",
                "linux/arm64", "linux/386/softfloat",
            ])
        #expect(
            plan.cells.map(\.binaryName) == [
                "tool_1.0.0_linux_armv5", "tool_1.0.0_linux_armv6", "tool_1.0.0_linux_armv7",
                "tool_1.0.0_linux_amd64", "tool_1.0.0_linux_amd64v3", "tool_1.0.0_linux_arm64",
                "tool_1.0.0_linux_386_softfloat",
            ])
        #expect(plan.cell("linux/arm/5")?.cellEnvironment["GOARM"] == "5")
        #expect(plan.cell("linux/amd64/v3")?.cellEnvironment["GOAMD64"] == "v3")
        #expect(plan.cell("linux/386/softfloat")?.cellEnvironment["GO386"] == "softfloat")
    }

    @Test func ignoreRulesRecordWhatEachDropped() throws {
        let plan = try plan(
            """
            targets: [linux/arm, linux/amd64]
            goarm: [6, 7]
            ignore: [linux/arm/6]
            """)
        #expect(plan.cells.map(\.id) == ["linux/arm/7", "linux/amd64"])
        #expect(plan.config.ignored.map { "\($0.target) \($0.rule)" } == ["linux/arm/6 linux/arm/6"])
        #expect(plan.warnings.contains("ignore rule 'linux/arm/6' dropped linux/arm/6"))
    }

    @Test func aBadVariantInAListIsAnError() {
        #expect { try plan("targets: [linux/arm]\ngoarm: [8]\n") } throws: {
            "\($0)".contains("'8' is not a valid GOARM")
        }
    }

    @Test func templateFieldsCarryTheVariant() {
        let values = ReleaseTemplateValues(
            projectName: "p", version: "1.0.0", tag: nil, commit: nil, commitTime: nil,
            sourceDateEpoch: 0, binary: "p", env: [:])
        let arm = values.context(for: BuildTarget(goos: "linux", goarch: "arm", variant: "7")).fields
        #expect(arm["Arm"] == "7")
        #expect(arm["Amd64"] == "")
        let amd = values.context(for: BuildTarget(goos: "linux", goarch: "amd64")).fields
        #expect(amd["Amd64"] == "v1")
        #expect(amd["Arm"] == "")
        #expect(values.releaseContext.fields["Tag"] == "v1.0.0")
    }
}
