/// What runs tell Redis about themselves in the requests they make anyway: the heartbeat and the counters of
/// `P:metrics` (``RunMetrics``), and the alert outbox (`P:alerts`).
extension JobQueue {
    /// What a claim says about its run.
    public struct RunSignals: Sendable, Hashable {
        /// What started the run: the heartbeat records it (`drain` as `manual`) and `runs_total` counts it.
        public var trigger: RunTrigger
        /// Whether the run delivers alerts: then dead letters become `job.dead` events and pending ones come back.
        public var alerts: Bool
        /// The flow limits the claim enforces (tick.json `"limits"`).
        public var limits: FlowLimits

        /// Signals of a run.
        public init(trigger: RunTrigger, alerts: Bool = false, limits: FlowLimits = FlowLimits()) {
            self.trigger = trigger
            self.alerts = alerts
            self.limits = limits
        }
    }

    /// What an acknowledgement counts of its run in `P:metrics` (once, even when the request is repeated).
    public struct RunTally: Sendable, Hashable {
        public var itemsDone: Int
        public var itemsFailed: Int
        /// The run's time from its start to this acknowledgement.
        public var durationMilliseconds: Int
        /// Requests and billable commands so far, the claim included.
        public var usage: RedisUsage
        /// Whether the run delivers alerts (as in ``RunSignals``).
        public var alerts: Bool

        /// A tally.
        public init(itemsDone: Int = 0, itemsFailed: Int = 0, durationMilliseconds: Int = 0, usage: RedisUsage = RedisUsage(), alerts: Bool = false) {
            self.itemsDone = itemsDone
            self.itemsFailed = itemsFailed
            self.durationMilliseconds = durationMilliseconds
            self.usage = usage
            self.alerts = alerts
        }
    }

    /// What an acknowledgement answered.
    public struct Acknowledged: Sendable, Equatable {
        /// Per acknowledgement, whether it applied (`false`: the lease was taken over).
        public var applied: [Bool]
        /// Alert events waiting in the outbox (JSON), when the run delivers alerts.
        public var alertEvents: [String] = []

        /// An answer.
        public init(applied: [Bool], alertEvents: [String] = []) {
            self.applied = applied
            self.alertEvents = alertEvents
        }
    }

    /// When runs last happened (`P:heartbeat`).
    public struct Heartbeat: Sendable, Equatable {
        /// The last run's start (Unix ms), `nil` before the first run under this prefix.
        public var last: Int64?
        /// Its trigger (`cron`, `http` or `manual`).
        public var lastTrigger: String?
        /// The last run per trigger (Unix ms).
        public var byTrigger: [String: Int64]

        /// Seconds since the last run at `nowMilliseconds`, `nil` before the first.
        public func age(nowMilliseconds: Int64) -> Double? { last.map { Double(max(0, nowMilliseconds - $0)) / 1000 } }

        /// A heartbeat.
        public init(last: Int64?, lastTrigger: String?, byTrigger: [String: Int64]) {
            self.last = last
            self.lastTrigger = lastTrigger
            self.byTrigger = byTrigger
        }
    }

    /// The heartbeat and the counters, in one request (one pipeline of two commands).
    public func monitoring() async throws(UpstashError) -> (heartbeat: Heartbeat, metrics: RunMetrics) {
        let replies = try await client.pipeline([heartbeatCommand, metricsCommand], idempotent: true)
        return (Heartbeat(reply: replies.first ?? .null), RunMetrics(reply: replies.last ?? .null))
    }

    public func removeAlerts(_ events: [String]) async throws(UpstashError) {
        guard !events.isEmpty else { return }
        _ = try await client.eval(Self.removeAlertsScript, arguments: [RedisArgument(prefix)] + events.map { RedisArgument($0) }, idempotent: true)
    }

    public func pushAlerts(_ events: [String]) async throws(UpstashError) {
        guard !events.isEmpty else { return }
        _ = try await client.eval(Self.pushAlertsScript, arguments: [RedisArgument(prefix)] + events.map { RedisArgument($0) })
    }

    /// ARGV: prefix, event JSON... Removes each (one copy).
    static let removeAlertsScript = QueueScripts.script(
        """
        for i = 2, #ARGV do redis.call('LREM', alerts_key, 1, ARGV[i]) end
        return 1
        """)

    /// ARGV: prefix, event JSON... Adds each, keeping the newest ``QueueKeys/alertOutboxLimit``.
    static let pushAlertsScript = QueueScripts.script(
        """
        for i = 2, #ARGV do redis.call('LPUSH', alerts_key, ARGV[i]) end
        redis.call('LTRIM', alerts_key, 0, alert_outbox_limit - 1)
        return 1
        """)
}
