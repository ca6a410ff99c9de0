import Synchronization
import TickCore

/// The machine's monotonic clock with a wall clock a test sets: Unix time starts at ``start`` and moves with
/// the monotonic clock, plus any ``advance(by:)``.
public final class TestClock: TickClock, Sendable {
    private let origin = ContinuousClock.now
    private let offset = Mutex<Int64>(0)
    /// Unix milliseconds at the clock's creation.
    public let start: Int64

    /// A clock whose wall time starts at `start` (Unix ms; 2026-01-01 by default).
    public init(start: Int64 = 1_767_225_600_000) { self.start = start }

    public var now: ContinuousClock.Instant { ContinuousClock.now }
    public var unixMilliseconds: Int64 { start + Int64(origin.duration(to: .now).milliseconds) + offset.withLock { $0 } }

    /// Moves the wall clock (not the monotonic one) forward by `duration`.
    public func advance(by duration: Duration) { offset.withLock { $0 += Int64(duration.milliseconds) } }
}

/// Rate windows in memory, with the Redis script's fixed-window rule.
public actor InMemoryRateWindows: RateWindowStore {
    private var windows: [String: (window: Int64, used: Int)] = [:]
    /// Reservations asked for so far.
    public private(set) var reservations = 0

    public init() {}

    public func reserve(name: String, limit: Int, period: Duration, want: Int, nowMilliseconds: Int64, deadline: ContinuousClock.Instant?) async throws(UpstashError) -> RateGrant {
        reservations += 1
        let length = max(1, Int64(period.milliseconds))
        var window = nowMilliseconds / length
        var used = 0
        if let stored = windows[name], stored.window >= window {
            window = stored.window
            used = stored.used
        }
        let grant = max(0, min(want, limit - used))
        windows[name] = (window, used + grant)
        return RateGrant(granted: grant, windowLeft: .milliseconds(max(0, (window + 1) * length - nowMilliseconds)))
    }
}

/// A handler that runs a closure: for tests of the lifecycle.
public struct ClosureHandler: JobHandler {
    private let body: @Sendable (HandlerInput, HandlerContext) async -> HandlerOutcome

    /// A handler that answers with `body`.
    public init(_ body: @escaping @Sendable (HandlerInput, HandlerContext) async -> HandlerOutcome) { self.body = body }

    public func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome { await body(input, context) }
}
