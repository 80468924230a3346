import Foundation
import Testing
@testable import ShipdeckEngine

/// The pure part of planning, with a toolchain value instead of a real `go`.
@Suite struct PlanBuilderTests {
    let toolchain = GoToolchain(
        path: "/usr/local/bin/go", version: "go1.27.3",
        ports: ["linux/amd64": true, "linux/arm64": true, "linux/arm": true, "darwin/amd64": true,
                "darwin/arm64": true, "windows/amd64": true, "windows/arm64": true, "windows/arm": false],
        hostTarget: BuildTarget(goos: "linux", goarch: "amd64"))

    func source(tag: String? = nil, commit: String? = "0123456789abcdef0123456789abcdef01234567",
                toolchain: String? = nil) -> SourceInfo {
        SourceInfo(moduleDirectory: "/tmp", modulePath: "example.com/org/tool/v2", pinnedToolchain: toolchain,
                   commit: commit, exactTag: tag, commitTime: 1_700_000_000)
    }

    func plan(_ config: ShipdeckConfig = ShipdeckConfig(), source: SourceInfo? = nil,
              env: [String: String] = ["PATH": "/usr/bin", "HOME": "/root", "MINISIGN_PASSWORD": "secret"],
              version: String? = nil) throws -> BuildPlan {
        var options = PlanOptions(moduleDirectory: URL(fileURLWithPath: "/tmp"), versionOverride: version, environment: env)
        options.distDirectory = URL(fileURLWithPath: "/tmp/dist")
        return try PlanBuilder.plan(config: config, source: source ?? self.source(), toolchain: toolchain, options: options)
    }

    @Test func zeroConfigTakesNameFromModulePathAndBuildsFiveTargets() throws {
        let plan = try plan()
        #expect(plan.info.project == "tool")
        #expect(plan.cells.map(\.id) == ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"])
        #expect(plan.cells.last?.binaryName == "tool_0.0.0-dev+0123456_windows_amd64.exe")
    }

    @Test func buildIsReproducibleByDefault() throws {
        let cell = try plan(version: "1.2.3").cells[0]
        #expect(cell.buildArguments == ["build", "-trimpath", "-buildvcs=false",
                                        "-ldflags", "-s -w -buildid= -X main.version=1.2.3"])
        #expect(cell.environment["CGO_ENABLED"] == "0")
        #expect(cell.environment["GOOS"] == "linux")
        #expect(cell.environment["SOURCE_DATE_EPOCH"] == "1700000000")
        #expect(cell.environment["GOTOOLCHAIN"] == "local")
    }

    @Test func childrenGetOnlyAllowlistedVariables() throws {
        let env = try plan().cells[0].environment
        #expect(env["MINISIGN_PASSWORD"] == nil)
        #expect(env["HOME"] == "/root")
    }

    @Test func versionComesFromFlagThenTagThenCommit() throws {
        #expect(try plan(version: "9.9.9").info.version == "9.9.9")
        #expect(try plan(source: source(tag: "v1.2.3")).info.version == "1.2.3")
        #expect(try plan().info.version == "0.0.0-dev+0123456")
        #expect(try plan(source: source(commit: nil)).info.version == "0.0.0-dev")
    }

    @Test func sourceDateEpochFromEnvironmentThenCommitThenFixed() throws {
        #expect(try plan(env: ["SOURCE_DATE_EPOCH": "12345"]).info.sourceDateEpoch == 12345)
        #expect(try plan().info.sourceDateEpoch == 1_700_000_000)
        var noGit = source(commit: nil)
        noGit.commitTime = nil
        #expect(try plan(source: noGit).info.sourceDateEpoch == SourceInfo.fixedEpoch)
        #expect(throws: ShipdeckError.self) { try plan(env: ["SOURCE_DATE_EPOCH": "yesterday"]) }
    }

    @Test(arguments: [("windows/arm5", "windows/arm"), ("linux/amd46", "linux/amd64")])
    func unknownTargetNamesTheClosestValidOnes(target: String, nearest: String) throws {
        var config = ShipdeckConfig()
        config.path = "/tmp/shipdeck.yml"
        config.targets = [TargetConfig(target: BuildTarget(parsing: target)!, line: 4)]
        let error = #expect(throws: ShipdeckError.self) { try plan(config) }
        #expect(error?.message.contains("/tmp/shipdeck.yml:4: unknown target \(target)") == true)
        #expect(error?.hint?.contains(nearest) == true)
    }

    @Test func invalidVariantIsAnError() {
        var config = ShipdeckConfig()
        config.targets = [TargetConfig(target: BuildTarget(parsing: "linux/arm/8")!)]
        let error = #expect(throws: ShipdeckError.self) { try plan(config) }
        #expect(error?.hint?.contains("5, 6, 7") == true)
    }

    @Test func variantGoesIntoEnvironmentAndFileName() throws {
        var config = ShipdeckConfig()
        config.targets = [TargetConfig(target: BuildTarget(parsing: "linux/arm/7")!)]
        let cell = try plan(config, version: "1.0.0").cells[0]
        #expect(cell.environment["GOARM"] == "7")
        #expect(cell.binaryName == "tool_1.0.0_linux_armv7")
    }

    @Test func pinnedToolchainMismatchWarns() throws {
        #expect(try plan(source: source(toolchain: "go1.22.1")).warnings.contains { $0.contains("go1.22.1") })
        #expect(try plan(source: source(toolchain: "go1.27.3")).warnings.isEmpty)
    }

    @Test func configCannotOverrideGOOS() throws {
        var config = ShipdeckConfig()
        config.env = ["GOOS": "plan9", "CGO_ENABLED": "1"]
        let cell = try plan(config).cells[0]
        #expect(cell.environment["GOOS"] == "linux")
        #expect(cell.environment["CGO_ENABLED"] == "1")
    }
}
