/// When a failed Upstash request is tried again: capped exponential backoff with full jitter,
/// only while the caller's deadline leaves room, and only where a retry is safe.
///
/// Safe means: nothing was sent (connection refused, DNS), or the server said it did not run the
/// request (429), or the request is idempotent (reads, and writes the caller marks so). A request
/// whose reply was lost (5xx, timeout, connection reset) may already have run, so it is retried only
/// when idempotent. 400 and 401 are never retried.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included. Defaults to 4.
    public var maxAttempts: Int
    /// Backoff before the second attempt; doubled for each later one. Defaults to 50 ms.
    public var baseDelay: Duration
    /// Cap on one backoff. Defaults to 1 s.
    public var maxDelay: Duration
    /// Cap on a server's `Retry-After`. Defaults to 5 s.
    public var maxRetryAfter: Duration

    /// Makes a policy; every parameter has a documented default.
    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(50), maxDelay: Duration = .seconds(1), maxRetryAfter: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// A policy that never retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The backoff before attempt `attempt + 1` (attempt counts from 1): uniformly random in
    /// `[0, min(maxDelay, baseDelay * 2^(attempt-1))]` ("full jitter").
    /// - Parameters:
    ///   - attempt: the attempt that just failed, from 1.
    ///   - random: a source of randomness (injectable for tests).
    public func delay(after attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let ceilingNanos = max(Int64(1), ceiling.nanoseconds)
        return .nanoseconds(Int64.random(in: 0...ceilingNanos, using: &random))
    }
}
