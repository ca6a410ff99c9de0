import TickCore

/// The heartbeat as `/healthz?max_silence=` sees it: read from Redis at most once per ``lifetime`` however
/// many requests come, so an unauthenticated flood costs no Redis commands beyond that.
///
/// Single flight: while one read is under way, every other caller awaits that same read instead of starting
/// its own. Failures are kept as long as successes, so an unreachable Redis is not asked more often either.
/// The age itself is computed at answer time from the stored Unix time, so a cached reading only hides runs
/// that happened within the last ``lifetime``.
actor HeartbeatCache {
    /// Reads the heartbeat (one Redis request).
    typealias Reader = @Sendable () async throws(UpstashError) -> JobQueue.Heartbeat

    /// How long one reading is reused.
    let lifetime: Duration
    private let read: Reader
    private var kept: (value: Result<JobQueue.Heartbeat, UpstashError>, at: ContinuousClock.Instant)?
    private var inFlight: Task<Result<JobQueue.Heartbeat, UpstashError>, Never>?

    /// - Parameters:
    ///   - lifetime: how long a reading is reused.
    ///   - read: the Redis read.
    init(lifetime: Duration, read: @escaping Reader) {
        self.lifetime = lifetime
        self.read = read
    }

    /// The kept reading while it is younger than ``lifetime``, else a new one (shared with concurrent callers).
    func current() async -> Result<JobQueue.Heartbeat, UpstashError> {
        if let kept, kept.at.duration(to: .now) < lifetime { return kept.value }
        if let inFlight { return await inFlight.value }
        let read = self.read
        // An unstructured task on purpose: it is shared by every caller that arrives while it runs, and it must
        // finish (and be kept) even when the caller that started it goes away.
        let task = Task { () -> Result<JobQueue.Heartbeat, UpstashError> in
            do throws(UpstashError) { return .success(try await read()) } catch { return .failure(error) }
        }
        inFlight = task
        let value = await task.value
        kept = (value, .now)
        inFlight = nil
        return value
    }
}
