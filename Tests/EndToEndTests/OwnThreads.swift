import Foundation
import Testing

/// End-to-end tests wait synchronously: for a release, a server, tmux. Swift's cooperative pool runs as
/// many tasks at once as there are cores, so on 2 cores two such tests leave no thread for anything else
/// and the rest of the run queues behind them: unit tests, the next test of every serialized suite, and,
/// near the end, short plan-only tests that keep well under two cores busy (in a cold run on 2 cores, the
/// last 78 s averaged 1.4). `.ownThreads` runs a suite's tests on a few threads of their own instead.
///
/// How many go builds run at once stays where it was: `TestSupport.run` lets two `shipdeck release`
/// runs go at a time (`TestSupport.releaseGate`). More than that with an empty Go cache compile the same
/// standard-library packages side by side, which go does not share until one of them finishes (a wider
/// pool without that limit took 662 s of CPU against about 440 s).
struct OwnThreadsTrait: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(EndToEndExecutor.shared) { try await function() }
    }
}

extension Trait where Self == OwnThreadsTrait {
    /// The suite's tests run on `EndToEndExecutor`'s threads, not the cooperative pool.
    static var ownThreads: Self { Self() }
}

/// A task executor with a fixed number of threads that take jobs in the order they came.
final class EndToEndExecutor: TaskExecutor, @unchecked Sendable {
    /// Four threads: two for the releases `TestSupport.releaseGate` lets through, two for tests that
    /// wait on servers, tmux or a plan.
    static let shared = EndToEndExecutor(threads: 4)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []  // waiting for a thread: about one per suite, so a short array

    init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [self] in work() }
            thread.name = "end-to-end-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
