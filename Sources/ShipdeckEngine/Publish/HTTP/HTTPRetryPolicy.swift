import Foundation

/// When a request is worth sending again, and how long to wait first.
///
/// Sent again: a connection that failed, broke or stalled; 500, 502, 503 and 504; 429; a 403 that is
/// a rate limit (`x-ratelimit-remaining: 0`, or GitHub's "secondary rate limit" message). The wait is
/// the server's when it gives one — `Retry-After` (seconds or an HTTP date), else
/// `x-ratelimit-reset` (epoch seconds) — and otherwise exponential backoff with jitter:
/// `baseDelay · 2^(attempt-1)`, capped at `maxDelay`, less a random share of up to `jitter` of it,
/// so many clients that failed together do not come back together. A server asking for a wait
/// longer than `maxServerWait` ends the retries (the caller reports when it may try again).
package struct HTTPRetryPolicy: Sendable {
    /// Attempts in all, the first included.
    package var maxAttempts = 5
    package var baseDelay: Duration = .milliseconds(500)
    package var maxDelay: Duration = .seconds(30)
    package var maxServerWait: Duration = .seconds(300)
    /// 0…1: the share of each backoff delay that is random.
    package var jitter = 0.5
    /// GitHub's advice for a secondary rate limit without `Retry-After`: wait at least a minute.
    package var secondaryRateLimitWait: Duration = .seconds(60)

    package init() {}

    /// One retry about to happen, for events and lines ("retrying in 2.0s: HTTP 502").
    package struct Retry: Sendable, Equatable {
        /// The attempt that just failed (1 = the first).
        package var attempt: Int
        package var delay: Duration
        package var reason: String
    }

    package enum Decision: Sendable, Equatable {
        case retry(after: Duration, reason: String)
        /// Do not send again; `reason` is set when the server asked for a longer wait than allowed.
        case stop(reason: String?)
    }

    /// What to do after `attempt` (1-based) ended in `outcome`. `now` and `random` (0..<1) are
    /// parameters so the arithmetic can be tested.
    package func decision(
        after outcome: Result<HTTPResponse, HTTPTransportError>, attempt: Int, now: Date = Date(),
        random: Double = Double.random(in: 0..<1)
    ) -> Decision {
        let reason: String
        var serverWait: Duration?
        switch outcome {
        case .failure(let error):
            guard error.isRetryable else { return .stop(reason: nil) }
            reason = error.message
        case .success(let response):
            let status = response.status
            let rateLimited =
                status == 429
                || (status == 403
                    && (response.header("x-ratelimit-remaining") == "0"
                        || response.bodyText.lowercased().contains("secondary rate limit")))
            guard [500, 502, 503, 504].contains(status) || rateLimited else { return .stop(reason: nil) }
            serverWait = Self.retryAfter(response, now: now)
            if serverWait == nil, rateLimited {
                if let reset = response.header("x-ratelimit-reset").flatMap(Double.init),
                    response.header("x-ratelimit-remaining") == "0"
                {
                    serverWait = .milliseconds(Int64(max(0, reset - now.timeIntervalSince1970) * 1000) + 1000)
                } else if status == 403 {
                    serverWait = secondaryRateLimitWait
                }
            }
            reason = rateLimited ? "HTTP \(status) (rate limited)" : "HTTP \(status)"
            if let wait = serverWait, wait > maxServerWait {
                return .stop(reason: "\(reason): the server asks to wait \(Self.text(wait)), longer than \(Self.text(maxServerWait))")
            }
        }
        guard attempt < maxAttempts else { return .stop(reason: nil) }
        return .retry(after: serverWait ?? backoff(attempt: attempt, random: random), reason: reason)
    }

    /// The backoff before attempt `attempt + 1`.
    package func backoff(attempt: Int, random: Double) -> Duration {
        let exponential = baseDelay * (1 << min(max(attempt - 1, 0), 20))
        let capped = min(exponential, maxDelay)
        let factor = 1 - jitter * min(max(random, 0), 1)
        return factor >= 1 ? capped : capped * factor
    }

    /// `Retry-After: 7` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`.
    static func retryAfter(_ response: HTTPResponse, now: Date) -> Duration? {
        guard let value = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }

    static func text(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1fs", seconds)
    }
}

extension HTTPTransport {
    /// Sends `request`, and again as `policy` says, waiting between attempts. Returns the last
    /// response (which may be an error status the policy does not retry, or the last of the retried
    /// ones) or throws the last transport error. `onRetry` is called before each wait.
    package func send(
        _ request: HTTPRequest, retry policy: HTTPRetryPolicy, progress: (@Sendable (Int64) -> Void)? = nil,
        cancellation: HTTPCancellation? = nil, onRetry: ((HTTPRetryPolicy.Retry) -> Void)? = nil
    ) throws -> HTTPResponse {
        var attempt = 1
        while true {
            let outcome: Result<HTTPResponse, HTTPTransportError>
            do {
                outcome = .success(try send(request, progress: progress, cancellation: cancellation))
            } catch let error as HTTPTransportError {
                outcome = .failure(error)
            }
            switch policy.decision(after: outcome, attempt: attempt) {
            case .stop:
                return try outcome.get()
            case .retry(let delay, let reason):
                onRetry?(.init(attempt: attempt, delay: delay, reason: reason))
                try Self.wait(delay, cancellation: cancellation, request: request)
                attempt += 1
            }
        }
    }

    /// Sleeps `delay`, waking early (and throwing `.cancelled`) when `cancellation` fires.
    private static func wait(_ delay: Duration, cancellation: HTTPCancellation?, request: HTTPRequest) throws {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end {
            if cancellation?.isCancelled == true {
                throw HTTPTransportError(kind: .cancelled, message: "\(request.method) \(request.displayURL): cancelled")
            }
            let left = end - ContinuousClock.now
            Thread.sleep(forTimeInterval: min(0.05, Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18))
        }
    }
}
