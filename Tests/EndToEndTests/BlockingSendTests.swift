import Foundation
import Testing

@testable import ShipdeckEngine

/// `HTTPTransport.send`'s blocking form runs its request on threads of its own: callers that block
/// every thread of Swift's cooperative pool at once (synchronous tests, each waiting for a request)
/// still get their answers. Before, the request's task needed a pool thread, and two such callers on
/// 2 cores waited forever.
@Suite struct BlockingSendTests {
    @Test func blockingSendsFromEveryPoolThreadAtOnceAllComplete() async throws {
        let server = try GitHubStandIn()
        defer { server.stop() }
        let callers = ProcessInfo.processInfo.activeProcessorCount * 2 + 1
        let done = DispatchSemaphore(value: 0)
        let failures = Failures()
        // Each caller blocks the pool thread it runs on until its request is answered.
        for _ in 0..<callers {
            Task.detached {
                do { _ = try server.state() } catch { failures.add("\(error)") }
                done.signal()
            }
        }
        // Waited for off the pool, with a deadline, so a regression fails instead of hanging.
        let finished = try await OffPool.run {
            (0..<callers).allSatisfy { _ in done.wait(timeout: .now() + 60) == .success }
        }
        #expect(finished, "the blocking sends did not all complete within 60 s")
        #expect(failures.all.isEmpty, "\(failures.all)")
    }

    final class Failures: @unchecked Sendable {
        // `lock` guards `list`.
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ text: String) { lock.withLock { list.append(text) } }
        var all: [String] { lock.withLock { list } }
    }
}
