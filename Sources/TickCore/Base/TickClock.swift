/// The two clocks a run reads: a monotonic one for its budget and deadlines, and the wall clock (Unix time)
/// for what it stores in Redis (lease expiry, retry times, schedule slots).
///
/// The runner reads time only through this protocol, so tests can set the wall clock (clock skew between
/// machines, schedule slots) without touching the machine's.
public protocol TickClock: Sendable {
    /// Monotonic now: budgets and deadlines.
    var now: ContinuousClock.Instant { get }
    /// Wall-clock now, in milliseconds since the Unix epoch.
    var unixMilliseconds: Int64 { get }
}

/// The machine's clocks.
public struct SystemClock: TickClock {
    /// The machine's clocks.
    public init() {}
    public var now: ContinuousClock.Instant { ContinuousClock.now }
    public var unixMilliseconds: Int64 { UnixTime.nowMilliseconds() }
}
