import Foundation

/// Runs blocking work that itself waits for Swift tasks (`HTTPTransport.send`, which the engine
/// calls from its Dispatch threads) on a thread of its own, and awaits it. A test that called it
/// directly on the cooperative pool, which has as many threads as cores, would block a pool thread:
/// two such tests at once on a 2-core machine waited forever for a thread to run their requests. The
/// end-to-end suites now run on threads of their own (OwnThreads.swift), and this keeps their blocking
/// calls off those too. Expectations stay in the test's task; only the blocking call moves.
enum OffPool {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// The same, handing back the error instead of throwing it (for tests of failures).
    static func result<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Result { try body() }) }.start()
        }
    }
}
