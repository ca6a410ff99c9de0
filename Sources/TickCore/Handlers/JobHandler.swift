import Logging

/// Work that `tick` runs for one item of a job, or one page of a cursor job.
///
/// Build your own `tick` with handlers in Swift by conforming to this protocol and registering the handler
/// in a ``HandlerRegistry``; the CLI's `exec` and built-in handlers are registered the same way.
///
/// Delivery is at least once per item: an item in flight when a run dies runs again. Use
/// ``HandlerContext/idempotencyKey`` to make side effects happen once.
///
/// What a handler gets and gives (docs/swift-handlers.md has a complete package):
/// - the item and its index, or the page's cursor: ``HandlerInput``;
/// - the idempotency key, the deadline, the attempt and a logger: ``HandlerContext``;
/// - cancellation: the run cancels the handler's task at its budget and when it is stopped by SIGTERM; the
///   Swift handlers of your own executable (``HandlerRegistry/added``) are also cancelled at
///   ``HandlerContext/deadline``, the item's timeout (``DeadlineHandler``); `Task.sleep` and other
///   cancellable awaits throw `CancellationError` then, and long loops check `Task.isCancelled`. A handler
///   registered in a ``TickRunner``'s registry directly must stop by the deadline itself, or be wrapped;
/// - progress within an item: ``HandlerContext/progress``;
/// - the result or failure, as the returned ``HandlerOutcome``: ``HandlerOutcome/done(result:)`` (the result
///   is stored with the item in PostgreSQL), ``HandlerOutcome/retryLater(reason:after:)`` (retryable: the job
///   comes back with backoff, resuming at this item) or ``HandlerOutcome/failed(reason:)`` (permanent: the
///   job is dead-lettered). A handler that returns after cancellation may return any of these: the runner
///   hands the job back without counting the attempt.
public protocol JobHandler: Sendable {
    /// Processes one item or page and says how it went. Honour task cancellation and
    /// ``HandlerContext/deadline`` (see above).
    /// - Parameters:
    ///   - input: the item (index and JSON payload) or the page's cursor.
    ///   - context: the job, attempt, idempotency key, deadline and a logger.
    func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome
}

/// What a handler is given.
public enum HandlerInput: Sendable, Hashable {
    /// Item `index` (from 0) of an items job, with its JSON payload.
    case item(index: Int, payload: JSONValue)
    /// One page of a cursor job: `nil` is the first page of a job that starts from the beginning.
    case page(number: Int, cursor: String?)
}

/// How a handler's work went.
public enum HandlerOutcome: Sendable, Hashable {
    /// The item is done; `result` (if any) is stored with it.
    case done(result: JSONValue?)
    /// The page is done; `next` is the next page's cursor, or `nil` when the job is finished.
    case page(next: String?, result: JSONValue?)
    /// A transient failure: put the job back with backoff (or after `after`), resuming at this item.
    case retryLater(reason: String, after: Duration?)
    /// A permanent failure: the job goes to the dead-letter set with this reason.
    case failed(reason: String)
}

/// What a handler knows about the work it was given.
public struct HandlerContext: Sendable {
    /// The job's id.
    public var jobID: String
    /// The job's queue.
    public var queue: String
    /// The handler's configured name.
    public var handlerName: String
    /// Claims of this job so far, this one included (from 1).
    public var attempt: Int
    /// `jobID:itemIndex` (or `jobID:page:N`): stable across attempts and runs, for exactly-once side effects.
    public var idempotencyKey: String
    /// Finish by then: the earlier of the item's timeout and the run's deadline.
    public var deadline: ContinuousClock.Instant
    /// The same deadline as Unix time in milliseconds, for child processes and remote endpoints.
    public var deadlineUnixMilliseconds: Int64
    /// When the run's budget ends (``deadline`` or later): then the run cancels every item and hands its job
    /// back without counting the attempt, whereas an item stopped at an earlier ``deadline`` (its timeout)
    /// is retried as a failed attempt.
    public var runDeadline: ContinuousClock.Instant
    /// A logger with the job's metadata.
    public var logger: Logger
    /// Where to report progress within this item or page: the run writes it to the job's row with its next commit
    /// (see ``HandlerProgress``).
    public var progress: HandlerProgress

    /// Makes a context.
    /// - Parameters:
    ///   - jobID: the job's id.
    ///   - queue: the job's queue.
    ///   - handlerName: the handler's registered name.
    ///   - attempt: claims of the job so far, this one included.
    ///   - idempotencyKey: `jobID:itemIndex` or `jobID:page:N`.
    ///   - deadline: finish by then.
    ///   - deadlineUnixMilliseconds: the deadline as Unix time in milliseconds.
    ///   - logger: a logger with the job's metadata.
    ///   - progress: where progress reports go; dropped by default.
    ///   - runDeadline: when the run's budget ends; `nil` (the default) for `deadline`.
    public init(
        jobID: String, queue: String, handlerName: String, attempt: Int, idempotencyKey: String, deadline: ContinuousClock.Instant,
        deadlineUnixMilliseconds: Int64, logger: Logger, progress: HandlerProgress = .ignored, runDeadline: ContinuousClock.Instant? = nil
    ) {
        self.jobID = jobID
        self.queue = queue
        self.handlerName = handlerName
        self.attempt = attempt
        self.idempotencyKey = idempotencyKey
        self.deadline = deadline
        self.deadlineUnixMilliseconds = deadlineUnixMilliseconds
        self.logger = logger
        self.progress = progress
        self.runDeadline = max(runDeadline ?? deadline, deadline)
    }
}

/// Handlers by name. Jobs name a handler; a job whose handler is not registered is dead-lettered.
public struct HandlerRegistry: Sendable {
    /// A registered handler and its per-item timeout default.
    public struct Entry: Sendable {
        /// The handler.
        public var handler: any JobHandler
        /// Used when a job sets no `item_timeout_ms`. Defaults to 60 s.
        public var itemTimeout: Duration
        /// Items of this handler in flight at most in one run, across its jobs; `nil` for no limit beyond
        /// the run's concurrency.
        public var concurrencyLimit: Int?
        /// Whether a failed item stops the job's other items (for jobs whose items depend on each other).
        /// Defaults to `false`: the other items run, and the failed ones are retried with the job.
        public var stopOnFailure: Bool
        /// Makes an entry.
        /// - Parameters:
        ///   - handler: the handler.
        ///   - itemTimeout: the per-item timeout when a job sets none.
        ///   - concurrencyLimit: items of this handler in flight at most in one run; `nil` for no own limit.
        ///   - stopOnFailure: whether a failed item stops the job's other items.
        public init(handler: any JobHandler, itemTimeout: Duration = .seconds(60), concurrencyLimit: Int? = nil, stopOnFailure: Bool = false) {
            self.handler = handler
            self.itemTimeout = itemTimeout
            self.concurrencyLimit = concurrencyLimit
            self.stopOnFailure = stopOnFailure
        }
    }

    private var entries: [String: Entry] = [:]

    /// An empty registry.
    public init() {}

    /// Registers `handler` under `name`, replacing any handler of that name.
    /// - Parameters:
    ///   - name: the name jobs give in `handler`.
    ///   - handler: the handler.
    ///   - itemTimeout: the per-item timeout when a job sets none.
    ///   - concurrencyLimit: items of this handler in flight at most in one run; `nil` for no own limit.
    ///   - stopOnFailure: whether a failed item stops the job's other items (default: they run on).
    public mutating func register(
        _ name: String, _ handler: any JobHandler, itemTimeout: Duration = .seconds(60), concurrencyLimit: Int? = nil, stopOnFailure: Bool = false
    ) {
        entries[name] = Entry(handler: handler, itemTimeout: itemTimeout, concurrencyLimit: concurrencyLimit, stopOnFailure: stopOnFailure)
    }

    /// The handler registered under `name`.
    public subscript(name: String) -> Entry? { entries[name] }

    /// Registered names, sorted.
    public var names: [String] { entries.keys.sorted() }
}

/// A handler that does nothing and succeeds: for benchmarks and smoke tests.
public struct NoopHandler: JobHandler {
    /// Makes the handler.
    public init() {}
    /// Succeeds at once: an item is done with no result; a page is the last one.
    /// - Parameters:
    ///   - input: the item or page.
    ///   - context: unused.
    public func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome {
        switch input {
        case .item: .done(result: nil)
        case .page: .page(next: nil, result: nil)
        }
    }
}
