/// Holds an ``HTTPHandler`` to its configured rate across every run on the same Redis prefix.
///
/// Permits come from Redis in chunks (one `EVAL` per chunk, see ``RedisRateWindow``)
/// and are spent locally until the window ends, so a rate of N requests per period costs about
/// N ÷ chunk billable commands per period, not one per request.
actor HTTPRateLimiter {
    /// How a request may go.
    enum Decision: Sendable, Equatable {
        case granted
        /// The window is used up and the next one starts after the item's deadline: try again after this.
        case later(Duration)
        case cancelled
        case unavailable(String)
    }

    private let store: any RateWindowStore
    private let clock: any TickClock
    private let name: String
    private let rate: HTTPHandler.Configuration.Rate
    private let chunk: Int
    private var permits = 0
    /// When the permits of the current window end.
    private var windowEnds: ContinuousClock.Instant
    /// Set when Redis granted nothing: the window is used up (by this and other runs) until then.
    private var exhaustedUntil: ContinuousClock.Instant?
    /// The reservation under way. Callers that find no permit wait for it instead of asking Redis again;
    /// it updates the permits before it ends, and returns an error's text if it failed.
    private var refill: Task<String?, Never>?

    /// - Parameters:
    ///   - store: where the count is kept (Redis, under the queue's prefix).
    ///   - name: the handler's name (one count per handler).
    ///   - rate: requests per period.
    ///   - chunk: permits reserved per request to Redis (the handler's concurrency, at most the rate).
    ///   - clock: the clocks; the machine's by default.
    init(store: any RateWindowStore, name: String, rate: HTTPHandler.Configuration.Rate, chunk: Int, clock: any TickClock = SystemClock()) {
        self.store = store
        self.clock = clock
        self.windowEnds = clock.now
        self.name = name
        self.rate = rate
        self.chunk = max(1, min(chunk, rate.requests))
    }

    /// Takes one permit, waiting for the next window when this one is used up and the wait ends before
    /// `deadline`.
    func acquire(deadline: ContinuousClock.Instant) async -> Decision {
        while true {
            if Task.isCancelled { return .cancelled }
            let now = clock.now
            if permits > 0, now < windowEnds {
                permits -= 1
                return .granted
            }
            if let refill {
                if let failure = await refill.value { return .unavailable(failure) }
                continue
            }
            if let until = exhaustedUntil, now < until {
                // Used up by this and other runs: sleep until the next window if it starts in time.
                guard until < deadline else { return .later(now.duration(to: until)) }
                do {
                    try await Task.sleep(until: until, clock: .continuous)
                } catch {
                    return .cancelled
                }
                continue
            }
            refill = Task { await self.reserve(deadline: deadline) }
        }
    }

    /// Asks Redis for a chunk of permits and applies the answer; the error's text if it failed.
    private func reserve(deadline: ContinuousClock.Instant) async -> String? {
        defer { refill = nil }
        do {
            let grant = try await store.reserve(
                name: name, limit: rate.requests, period: rate.period, want: chunk, nowMilliseconds: clock.unixMilliseconds, deadline: deadline)
            let ends = clock.now.advanced(by: grant.windowLeft)
            permits = grant.granted
            windowEnds = ends
            exhaustedUntil = grant.granted == 0 ? ends : nil
            return nil
        } catch {
            return error.description
        }
    }
}
