import Foundation
import Testing

@testable import ShipdeckEngine

/// go build's tools get GOGC and GOMEMLIMIT from Shipdeck only when the user set neither.
@Suite struct CompilerGarbageCollectionTests {
    static let gib: UInt64 = 1 << 30

    @Test func neitherSetAddsBoth() {
        let env = CompilerGarbageCollection.environment(["PATH": "/usr/bin", "GOOS": "linux"], memory: 24 * Self.gib, cores: 2)
        #expect(env["GOGC"] == "800")
        // Half of 24 GiB shared by 2 × 2 processes.
        #expect(env["GOMEMLIMIT"] == "3072MiB")
        #expect(env["PATH"] == "/usr/bin" && env["GOOS"] == "linux")
    }

    @Test func theUsersSettingWinsWhole() {
        // Either one set (environment or config env) means the user tunes go's collector: nothing is added.
        #expect(CompilerGarbageCollection.environment(["GOGC": "50"], memory: 24 * Self.gib, cores: 2) == ["GOGC": "50"])
        #expect(CompilerGarbageCollection.environment(["GOMEMLIMIT": "512MiB"], memory: 24 * Self.gib, cores: 2)
            == ["GOMEMLIMIT": "512MiB"])
        #expect(CompilerGarbageCollection.environment(["GOGC": "off", "GOMEMLIMIT": "8GiB"], memory: Self.gib, cores: 64)
            == ["GOGC": "off", "GOMEMLIMIT": "8GiB"])
    }

    @Test func theLimitIsAShareOfMemoryWithAFloor() {
        #expect(CompilerGarbageCollection.limit(memory: 16 * Self.gib, cores: 4) == Self.gib)
        #expect(CompilerGarbageCollection.limit(memory: 256 * Self.gib, cores: 16) == 4 * Self.gib)
        // A small machine or many cores: never under 1 GiB, where a large package would collect all the time.
        #expect(CompilerGarbageCollection.limit(memory: 4 * Self.gib, cores: 8) == Self.gib)
        #expect(CompilerGarbageCollection.limit(memory: 0, cores: 0) == Self.gib)
    }
}
