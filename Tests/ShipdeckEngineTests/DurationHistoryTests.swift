import Foundation
import Testing
@testable import ShipdeckEngine

@Suite struct DurationHistoryTests {
    @Test func longestCellsStartFirstAndUnknownOnesBeforeThem() {
        let history = DurationHistory(seconds: ["linux/amd64": 3, "windows/amd64": 9, "darwin/arm64": 5])
        #expect(history.order(["linux/amd64", "darwin/arm64", "windows/amd64", "freebsd/amd64"])
                == ["freebsd/amd64", "windows/amd64", "darwin/arm64", "linux/amd64"])
    }

    @Test func recordedDurationsSurviveAReload() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("shipdeck-history-\(UUID())")
        defer { try? FileManager.default.removeItem(at: cache) }
        let env = ["XDG_CACHE_HOME": cache.path]
        var history = DurationHistory.load(modulePath: "example.com/x", environment: env)
        #expect(history.seconds.isEmpty)
        history.record(["linux/amd64": 1.5])
        history.record(["windows/amd64": 4])
        let reloaded = DurationHistory.load(modulePath: "example.com/x", environment: env)
        #expect(reloaded.seconds == ["linux/amd64": 1.5, "windows/amd64": 4])
        #expect(DurationHistory.load(modulePath: "example.com/other", environment: env).seconds.isEmpty)
    }
}
