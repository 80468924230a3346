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
    package var environment: [String: String] = ProcessInfo.processInfo.environment
    package var retry = HTTPRetryPolicy()
    package var transport = HTTPTransport.Options()

    package init(dist: URL) { self.dist = dist }
}
