/// Per-key flow limits (tick.json `"limits"` on a handler or a queue), enforced by the claim script inside the
/// claim request (docs/flow-control.md).
///
/// A job names its key with `concurrency_key` (and optionally `rate_key`, which defaults to it). A limit on a
/// handler counts that handler's jobs per key, across queues; a limit on a queue counts the queue's jobs per key,
/// across handlers. A job under both uses its handler's.
public struct FlowLimit: Sendable, Hashable {
    /// Jobs of one key that may run at once; `nil`: no limit.
    public var perKeyConcurrency: Int?
    /// Jobs of one rate key that may start in any window of `period`; `nil`: no limit.
    public var perKeyRate: Rate?
    /// Settings for named keys, over the defaults above (a field an override leaves out keeps the default).
    public var keys: [String: Override] = [:]

    /// At most `jobs` starts (claims, retries included) in any sliding window of `period`.
    public struct Rate: Sendable, Hashable {
        public var jobs: Int
        public var period: Duration

        /// Makes a rate.
        public init(jobs: Int, period: Duration) {
            self.jobs = jobs
            self.period = period
        }
    }

    /// One key's own limits.
    public struct Override: Sendable, Hashable {
        public var perKeyConcurrency: Int?
        public var perKeyRate: Rate?

        /// Makes an override.
        public init(perKeyConcurrency: Int? = nil, perKeyRate: Rate? = nil) {
            self.perKeyConcurrency = perKeyConcurrency
            self.perKeyRate = perKeyRate
        }
    }

    /// Makes a limit.
    public init(perKeyConcurrency: Int? = nil, perKeyRate: Rate? = nil, keys: [String: Override] = [:]) {
        self.perKeyConcurrency = perKeyConcurrency
        self.perKeyRate = perKeyRate
        self.keys = keys
    }

    /// The limit as the claim script reads it: `{"c": n, "rj": jobs, "rp": period_ms, "k": {key: {...}}}`.
    var wire: JSONValue {
        var fields = Self.wireFields(perKeyConcurrency, perKeyRate)
        if !keys.isEmpty {
            fields["k"] = .object(keys.mapValues { .object(Self.wireFields($0.perKeyConcurrency, $0.perKeyRate)) })
        }
        return .object(fields)
    }

    private static func wireFields(_ concurrency: Int?, _ rate: Rate?) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        if let concurrency { fields["c"] = .integer(Int64(concurrency)) }
        if let rate {
            fields["rj"] = .integer(Int64(rate.jobs))
            fields["rp"] = .integer(Int64(rate.period.milliseconds))
        }
        return fields
    }
}

/// Every flow limit a run enforces: per handler and per queue.
public struct FlowLimits: Sendable, Hashable {
    /// Limits declared on handlers (counted per handler and key).
    public var handlers: [String: FlowLimit] = [:]
    /// Limits declared on queues (counted per queue and key).
    public var queues: [String: FlowLimit] = [:]

    /// Makes limits; none by default.
    public init(handlers: [String: FlowLimit] = [:], queues: [String: FlowLimit] = [:]) {
        self.handlers = handlers
        self.queues = queues
    }

    /// Whether any limit is declared.
    public var isEmpty: Bool { handlers.isEmpty && queues.isEmpty }

    /// The claim script's argument: `""` without limits (the script then decodes nothing), else
    /// `{"h": {handler: limit}, "q": {queue: limit}}`.
    public var wire: String {
        guard !isEmpty else { return "" }
        return JSONValue.object(["h": .object(handlers.mapValues(\.wire)), "q": .object(queues.mapValues(\.wire))]).serialized
    }
}
