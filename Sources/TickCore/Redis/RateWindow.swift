/// Permits of a request rate shared by every run on a prefix, counted in fixed windows.
///
/// ``RedisRateWindow`` keeps the count in Redis; tests use an in-memory one. ``HTTPRateLimiter`` spends
/// the permits.
public protocol RateWindowStore: Sendable {
    /// Reserves up to `want` requests of `limit` per `period` for the rate named `name`.
    func reserve(name: String, limit: Int, period: Duration, want: Int, nowMilliseconds: Int64, deadline: ContinuousClock.Instant?) async throws(UpstashError) -> RateGrant
}

/// What a reservation got.
public struct RateGrant: Sendable, Equatable {
    /// Requests this run may send now (0 when the window is used up).
    public var granted: Int
    /// Time until the current window ends and a new one starts.
    public var windowLeft: Duration

    /// Makes a grant.
    public init(granted: Int, windowLeft: Duration) {
        self.granted = granted
        self.windowLeft = windowLeft
    }
}

/// A rate window in Redis: key `<prefix>:rate:<name>` (``QueueKeys/rate(_:)``), a hash of the window's number
/// and the requests granted in it, expiring after two periods. One `EVAL` per reservation.
///
/// Windows are numbered from the caller's clock (Upstash does not document `TIME` in scripts); a run whose
/// clock lags joins the window already counted instead of starting an older one, so clock skew between
/// machines can start a window early by the skew, never reset a window's count. Permits a run reserves but
/// does not use are lost when the window ends: the rate can be undershot, never exceeded.
public struct RedisRateWindow: RateWindowStore {
    /// The client the reservations go through.
    public let client: UpstashClient
    /// The prefix's keys.
    public let keys: QueueKeys

    /// A rate window store under `keys`.
    public init(client: UpstashClient, keys: QueueKeys) {
        self.client = client
        self.keys = keys
    }

    public func reserve(name: String, limit: Int, period: Duration, want: Int, nowMilliseconds: Int64, deadline: ContinuousClock.Instant?) async throws(UpstashError) -> RateGrant {
        let arguments = [
            RedisArgument(keys.prefix), RedisArgument(name), RedisArgument(limit), RedisArgument(max(1, Int(period.milliseconds))),
            RedisArgument(max(1, want)), RedisArgument(String(nowMilliseconds)),
        ]
        let reply = try await client.eval(Self.script, arguments: arguments, deadline: deadline)
        guard let parts = reply.array, parts.count == 2, let granted = parts[0].int, let left = parts[1].int else {
            throw .protocolError(host: client.configuration.host, detail: "the rate script returned an unexpected shape", status: 200)
        }
        return RateGrant(granted: granted, windowLeft: .milliseconds(max(0, left)))
    }

    /// ARGV: prefix, name, limit, period in ms, wanted, now in ms. Returns {granted, ms left in the window}.
    static let script = RedisScript(
        QueueKeys.lua + """
            local key = rate_key(ARGV[2])
            local limit = tonumber(ARGV[3])
            local period = tonumber(ARGV[4])
            local want = tonumber(ARGV[5])
            local now = tonumber(ARGV[6])
            local window = math.floor(now / period)
            local used = 0
            local state = redis.call('HMGET', key, 'w', 'n')
            local stored = tonumber(state[1])
            if stored and stored >= window then
              window = stored
              used = tonumber(state[2]) or 0
            end
            local grant = math.max(0, math.min(want, limit - used))
            redis.call('HSET', key, 'w', window, 'n', used + grant)
            redis.call('PEXPIRE', key, period * 2)
            return {grant, math.max(0, (window + 1) * period - now)}
            """
    )
}
