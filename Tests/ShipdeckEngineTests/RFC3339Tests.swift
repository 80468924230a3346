import Foundation
import Testing
@testable import ShipdeckEngine

/// RFC3339 writes what ISO8601DateFormatter (UTC, internet date-time) writes, which the journal, lock
/// file, template `.Date`, SBOMs and image configs wrote before.
@Suite struct RFC3339Tests {
    @Test func matchesISO8601DateFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        var epochs: [Int64] = [0, 1, 59, 60, 3599, 86_399, 86_400, 946_684_800, 951_782_400, 1_709_164_800,
                               1_796_154_052, 2_147_483_647, 2_147_483_648, 4_102_444_800, 253_402_300_799, -1, -86_400]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 { epochs.append(Int64.random(in: 0...4_102_444_800, using: &generator)) }
        for epoch in epochs {
            #expect(RFC3339.string(epoch: epoch) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epoch))),
                    "epoch \(epoch)")
        }
        #expect(RFC3339.string(epoch: 946_684_800) == "2000-01-01T00:00:00Z")
        #expect(RFC3339.string(Date(timeIntervalSince1970: 946_684_800.75)) == "2000-01-01T00:00:00Z")
    }
}
