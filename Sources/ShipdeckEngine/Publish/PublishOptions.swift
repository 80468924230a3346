import Foundation

/// How one publish runs: which folder, resumed or not, a dry run or not, and what to verify with.
package struct PublishOptions: Sendable {
    package var dist: URL
    package var resume = false
    /// Print every request it would make; send none and change nothing.
    package var dryRun = false
    /// Release notes; default dist/CHANGELOG.md when it exists.
    package var releaseNotes: URL?
    package var keys = VerifyKeys()
    /// nil: files no signature covers are a problem only when the config has signers.
    package var allowUnsigned: Bool?
    package var version: String?
    /// `release --publish`: the release just succeeded in this process, so its journal (still
    /// this process's) is not asked whether it finished.
    package var releaseSucceeded = false
    package var environment: [String: String] = ProcessInfo.processInfo.environment
    package var retry = HTTPRetryPolicy()
    package var transport = HTTPTransport.Options()

    package init(dist: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.dist = dist
        self.environment = environment
        Self.applyTestTimings(environment, retry: &retry, transport: &transport)
    }

    /// TEST-ONLY hook, so the tests' injected faults do not cost real minutes; not a user setting
    /// (undocumented in `--help`, named SHIPDECK_TEST_…):
    /// - `SHIPDECK_TEST_RETRY_BASE_MS=N`: backoff base N ms, cap 8·N ms (default 500 ms, 30 s);
    ///   `Retry-After` and the rate-limit headers are still honoured as the server sends them.
    /// - `SHIPDECK_TEST_HTTP_IDLE_MS=N`: a server silent for N ms is a stalled one (default 60 s).
    static func applyTestTimings(
        _ environment: [String: String], retry: inout HTTPRetryPolicy, transport: inout HTTPTransport.Options
    ) {
        if let base = environment["SHIPDECK_TEST_RETRY_BASE_MS"].flatMap(Int64.init), base > 0 {
            retry.baseDelay = .milliseconds(base)
            retry.maxDelay = .milliseconds(base * 8)
        }
        if let idle = environment["SHIPDECK_TEST_HTTP_IDLE_MS"].flatMap(Int64.init), idle > 0 {
            transport.idleTimeout = .milliseconds(idle)
        }
    }
}
