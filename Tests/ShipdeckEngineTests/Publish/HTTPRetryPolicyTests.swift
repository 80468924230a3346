import Foundation
import Testing

@testable import ShipdeckEngine

/// When a request is sent again and after how long (pure arithmetic; the transport is tested
/// end to end against the GitHub stand-in).
struct HTTPRetryPolicyTests {
    let policy = HTTPRetryPolicy()
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func response(_ status: Int, _ headers: [(String, String)] = [], body: String = "") -> Result<HTTPResponse, HTTPTransportError> {
        .success(HTTPResponse(status: status, headers: headers.map { HTTPField($0.0, $0.1) }, body: Data(body.utf8)))
    }

    @Test func serverErrorsAreRetriedWithExponentialBackoff() {
        #expect(policy.decision(after: response(502), attempt: 1, now: now, random: 0) == .retry(after: .milliseconds(500), reason: "HTTP 502"))
        #expect(policy.decision(after: response(503), attempt: 3, now: now, random: 0) == .retry(after: .seconds(2), reason: "HTTP 503"))
    }

    @Test func jitterTakesAtMostItsShareOffTheDelay() {
        let full = policy.backoff(attempt: 4, random: 0)
        let least = policy.backoff(attempt: 4, random: 0.999_999)
        #expect(full == .seconds(4))
        #expect(least > .seconds(2) && least <= .seconds(4))
    }

    @Test func retryAfterInSecondsOrAsADateIsHonoured() {
        #expect(policy.decision(after: response(429, [("Retry-After", "7")]), attempt: 1, now: now, random: 0.5)
            == .retry(after: .seconds(7), reason: "HTTP 429 (rate limited)"))
        let date = "Tue, 14 Nov 2023 22:13:40 GMT"  // now + 20 s
        #expect(policy.decision(after: response(503, [("Retry-After", date)]), attempt: 1, now: now, random: 0)
            == .retry(after: .seconds(20), reason: "HTTP 503"))
    }

    @Test func anExhaustedRateLimitWaitsForItsReset() {
        let reset = "\(Int(now.timeIntervalSince1970) + 30)"
        let decision = policy.decision(
            after: response(403, [("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", reset)]), attempt: 1, now: now,
            random: 0)
        #expect(decision == .retry(after: .seconds(31), reason: "HTTP 403 (rate limited)"))
    }

    @Test func aSecondaryRateLimitWithoutRetryAfterWaitsAMinute() {
        let decision = policy.decision(
            after: response(403, body: #"{"message":"You have exceeded a secondary rate limit."}"#), attempt: 1,
            now: now, random: 0)
        #expect(decision == .retry(after: .seconds(60), reason: "HTTP 403 (rate limited)"))
    }

    @Test func aWaitLongerThanAllowedStopsWithTheReason() {
        guard case .stop(let reason?) = policy.decision(
            after: response(429, [("Retry-After", "3600")]), attempt: 1, now: now, random: 0)
        else {
            Issue.record("expected a stop with a reason")
            return
        }
        #expect(reason.contains("3600.0s"))
    }

    @Test func clientErrorsAndBadInputAreNotRetried() {
        for status in [400, 401, 404, 422] {
            #expect(policy.decision(after: response(status), attempt: 1, now: now, random: 0) == .stop(reason: nil))
        }
        #expect(policy.decision(after: response(403), attempt: 1, now: now, random: 0) == .stop(reason: nil))
        let body = HTTPTransportError(kind: .body, message: "cannot read x")
        #expect(policy.decision(after: .failure(body), attempt: 1, now: now, random: 0) == .stop(reason: nil))
    }

    @Test func brokenConnectionsAreRetriedUntilTheLastAttempt() {
        let reset = HTTPTransportError(kind: .connectionLost, message: "POST x: connection reset by peer")
        #expect(policy.decision(after: .failure(reset), attempt: 1, now: now, random: 0)
            == .retry(after: .milliseconds(500), reason: "POST x: connection reset by peer"))
        #expect(policy.decision(after: .failure(reset), attempt: policy.maxAttempts, now: now, random: 0) == .stop(reason: nil))
    }

    @Test func aRequestNeverShowsItsAuthorization() {
        var request = HTTPRequest(method: "POST", url: URL(string: "https://user:pw@api.example/x?a=1")!)
        request.setHeader("Authorization", "Bearer secret-canary")
        request.setHeader("Accept", "application/vnd.github+json")
        for text in [request.description, String(reflecting: request), "\(request)"] {
            #expect(!text.contains("secret-canary"), "\(text)")
            #expect(!text.contains("pw@"), "\(text)")
        }
        #expect(request.description.contains("Authorization: <redacted>"))
        #expect(request.description.contains("Accept: application/vnd.github+json"))
        var dumped = ""
        dump(request, to: &dumped)
        #expect(!dumped.contains("secret-canary"), "\(dumped)")
    }

    @Test func aSecretPrintsAsItsVariableName() {
        let secret = SecretValue("tok-canary", variable: "GITHUB_TOKEN")
        var dumped = ""
        dump(secret, to: &dumped)
        for text in ["\(secret)", String(reflecting: secret), dumped] { #expect(!text.contains("tok-canary"), "\(text)") }
    }
}
