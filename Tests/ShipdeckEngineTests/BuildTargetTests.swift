import Testing
@testable import ShipdeckEngine

@Suite struct BuildTargetTests {
    @Test func parsesPairsAndVariants() {
        #expect(BuildTarget(parsing: "linux/amd64") == BuildTarget(goos: "linux", goarch: "amd64"))
        #expect(BuildTarget(parsing: "linux/arm/7")?.variant == "7")
        #expect(BuildTarget(parsing: "linux") == nil)
        #expect(BuildTarget(parsing: "linux//") == nil)
        #expect(BuildTarget(parsing: "a/b/c/d") == nil)
    }

    @Test(arguments: [
        ("linux/arm/7", "armv7"), ("linux/arm/6", "armv6"), ("linux/amd64/v1", "amd64"), ("linux/amd64/v3", "amd64v3"),
        ("linux/mips/softfloat", "mips_softfloat"), ("linux/amd64", "amd64"), ("linux/386/sse2", "386"),
    ])
    func fileNameArchitectureFollowsGoReleaser(target: String, arch: String) {
        #expect(BuildTarget(parsing: target)?.archInFileName == arch)
    }

    @Test func variantVariables() {
        #expect(BuildTarget(parsing: "linux/arm/7")?.variantVariable == "GOARM")
        #expect(BuildTarget(parsing: "linux/amd64/v2")?.variantVariable == "GOAMD64")
        #expect(BuildTarget(parsing: "linux/mipsle/softfloat")?.variantVariable == "GOMIPS")
        #expect(BuildTarget(parsing: "darwin/arm64")?.executableSuffix == "")
        #expect(BuildTarget(parsing: "windows/arm64")?.executableSuffix == ".exe")
    }
}
