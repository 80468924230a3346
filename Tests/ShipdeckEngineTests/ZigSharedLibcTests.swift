import Testing

@testable import ShipdeckEngine

/// The flags that make go's two cgo links ask zig for one libc (the plan-level proof, with real go and
/// zig, is CgoEndToEndTests.bothOfGosLinksAskZigForTheSameLibc; the libc count was measured by hand).
struct ZigSharedLibcTests {
    @Test func outsideWindowsTheFinalLinkIsPICAndTheTestLinkStripped() {
        let flags = ZigToolchain.sharedLibcLinkFlags(goos: "linux", cgoLDFLAGS: nil)
        #expect(flags.extldflags == "\"-s -fPIC\"")
        #expect(flags.cgoLDFLAGS == "-O2 -g -s")
    }

    @Test func onWindowsGoUsesNoPICSoTheFinalLinkGetsNone() {
        let flags = ZigToolchain.sharedLibcLinkFlags(goos: "windows", cgoLDFLAGS: "-O2 -g")
        #expect(flags.extldflags == "-s")
        #expect(flags.cgoLDFLAGS == "-O2 -g -s")
    }

    @Test func givenFlagsAreKeptAndAStripAlreadyThereIsNotAddedTwice() {
        #expect(ZigToolchain.sharedLibcLinkFlags(goos: "linux", cgoLDFLAGS: "-L/opt/lib").cgoLDFLAGS == "-L/opt/lib -s")
        #expect(ZigToolchain.sharedLibcLinkFlags(goos: "linux", cgoLDFLAGS: "-O2 -s").cgoLDFLAGS == nil)
        #expect(ZigToolchain.sharedLibcLinkFlags(goos: "linux", cgoLDFLAGS: "").cgoLDFLAGS == "-s")
    }
}
