/// A job as producers write it to Redis (JSON; docs/data-model.md gives the wire format).
///
/// A job names a handler and either an ordered list of items or a cursor. It never carries a command to
/// run: whoever can write to Redis cannot run code on the worker.
public struct JobSpec: Sendable, Hashable {
    /// What a job works through.
    public enum Work: Sendable, Hashable {
        /// Items processed in order (each at most once to completion); their payloads are JSON.
        case items([JSONValue])
        /// A paginated sync: the handler processes one page and returns the next cursor, or `nil` when done.
        /// The value is the first page's cursor (`nil` for "from the beginning").
        case cursor(String?)
    }

    /// The job's id: given by the producer for deduplication, or generated.
    public var id: String
    /// The handler's name, looked up in the worker's configuration.
    public var handler: String
    /// The queue. Defaults to `default`.
    public var queue: String
    /// The items or cursor.
    public var work: Work
    /// 0 to 100; higher runs sooner. Defaults to 0.
    public var priority: Int
    /// Do not start before this time (milliseconds since the Unix epoch). `nil` runs as soon as possible.
    public var runAt: Int64?
    /// Claims in all before the job is dead-lettered. Defaults to 5.
    public var maxAttempts: Int
    /// Backoff after a transient failure.
    public var backoff: Backoff
    /// Bound on one item; `nil` uses the handler's default.
    public var itemTimeoutMilliseconds: Int?
    /// Items of this job that may run at once. Defaults to 1 (strictly in order).
    public var itemConcurrency: Int
    /// Flow control: the job's concurrency, rate and unique keys (docs/flow-control.md). None by default.
    public var flow = Flow()

    /// A job's keys for flow control; the limits themselves are the worker's (``FlowLimits``).
    public struct Flow: Sendable, Hashable {
        /// Jobs with the same key count against one per-key concurrency limit and are served round robin
        /// with other keys (e.g. a tenant id).
        public var concurrencyKey: String?
        /// The key of the per-key rate limit; `nil` uses ``concurrencyKey``.
        public var rateKey: String?
        /// At most one job with this key waits (ready or delayed) or runs in the queue, per ``uniquePolicy``.
        public var uniqueKey: String?
        /// What a second enqueue with ``uniqueKey`` does. Defaults to ``UniquePolicy/reject``.
        public var uniquePolicy: UniquePolicy = .reject
        /// With ``UniquePolicy/debounce``: how long the key must be quiet before the job starts, in milliseconds.
        public var debounceMilliseconds: Int?
        /// With ``UniquePolicy/debounce``: the longest a burst can push the start back, from its first enqueue.
        public var debounceMaxMilliseconds: Int?

        /// No keys.
        public init(
            concurrencyKey: String? = nil, rateKey: String? = nil, uniqueKey: String? = nil, uniquePolicy: UniquePolicy = .reject,
            debounceMilliseconds: Int? = nil, debounceMaxMilliseconds: Int? = nil
        ) {
            self.concurrencyKey = concurrencyKey
            self.rateKey = rateKey
            self.uniqueKey = uniqueKey
            self.uniquePolicy = uniquePolicy
            self.debounceMilliseconds = debounceMilliseconds
            self.debounceMaxMilliseconds = debounceMaxMilliseconds
        }

        /// The key the job's ready set is grouped by: its concurrency key, else its rate key.
        public var groupKey: String? { concurrencyKey ?? rateKey }
    }

    /// Exponential backoff with full jitter: a retry waits a random time in `[0, min(max, base * 2^(attempt-1))]`,
    /// at least `base / 2`.
    public struct Backoff: Sendable, Hashable {
        /// The first retry's ceiling, in milliseconds. Defaults to 5,000.
        public var baseMilliseconds: Int
        /// The cap, in milliseconds. Defaults to 3,600,000 (1 hour).
        public var maxMilliseconds: Int

        /// Makes a backoff; defaults as documented.
        public init(baseMilliseconds: Int = 5_000, maxMilliseconds: Int = 3_600_000) {
            self.baseMilliseconds = baseMilliseconds
            self.maxMilliseconds = maxMilliseconds
        }

        /// The delay before the next attempt, after `attempt` attempts (from 1).
        public func delay(after attempt: Int, using random: inout some RandomNumberGenerator) -> Int {
            let exponent = min(max(attempt - 1, 0), 30)
            let ceiling = min(maxMilliseconds, baseMilliseconds &* (1 << exponent))
            let floor = min(ceiling, baseMilliseconds / 2)
            return Int.random(in: floor...max(floor, ceiling), using: &random)
        }
    }

    /// Default claims in all.
    public static let defaultMaxAttempts = 5
    /// The queue used when a job names none.
    public static let defaultQueue = "default"

    /// Makes a job; every optional field has its documented default.
    public init(
        id: String, handler: String, queue: String = JobSpec.defaultQueue, work: Work, priority: Int = 0, runAt: Int64? = nil,
        maxAttempts: Int = JobSpec.defaultMaxAttempts, backoff: Backoff = Backoff(), itemTimeoutMilliseconds: Int? = nil, itemConcurrency: Int = 1
    ) {
        self.id = id
        self.handler = handler
        self.queue = queue
        self.work = work
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.itemTimeoutMilliseconds = itemTimeoutMilliseconds
        self.itemConcurrency = itemConcurrency
    }

    /// The number of items, or `nil` for a cursor job.
    public var itemCount: Int? {
        if case .items(let items) = work { items.count } else { nil }
    }
}
