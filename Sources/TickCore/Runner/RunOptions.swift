/// How one run behaves. Every default is named and documented; the CLI's flags override them.
public struct RunOptions: Sendable {
    /// Queues to claim from, in order. Defaults to `["default"]`.
    public var queues: [String] = [JobSpec.defaultQueue]
    /// Jobs claimed at most. Defaults to ``defaultBatch`` (10).
    public var batch: Int = RunOptions.defaultBatch
    /// Items in flight at once across the claimed jobs. Defaults to ``defaultConcurrency`` (4).
    public var concurrency: Int = RunOptions.defaultConcurrency
    /// The whole run, start to exit. Defaults to ``defaultBudget`` (50 s, fits a 60 s function).
    public var budget: Duration = RunOptions.defaultBudget
    /// How long a lease outlives the budget, so a live run never loses its jobs and needs no heartbeat.
    /// Also the tolerated clock skew between machines. Defaults to 30 s.
    public var leaseMargin: Duration = RunOptions.defaultLeaseMargin
    /// Longest time a finished item waits before its record is committed (the group-commit window).
    /// Defaults to 50 ms.
    public var commitInterval: Duration = .milliseconds(50)
    /// Records that trigger a commit before the window ends. Defaults to 500.
    public var commitBatch: Int = 500
    /// What started the run. Recorded in the runs table. Defaults to `cron`.
    public var trigger: RunTrigger = .cron
    /// The cron schedule that triggered the run, if the trigger said (`x-vercel-cron-schedule`).
    public var schedule: String?

    /// Default batch: 10 jobs.
    public static let defaultBatch = 10
    /// Default concurrency: 4 items.
    public static let defaultConcurrency = 4
    /// Default lease margin: 30 seconds.
    public static let defaultLeaseMargin: Duration = .seconds(30)
    /// Default budget: 50 seconds.
    public static let defaultBudget: Duration = .seconds(50)

    /// Options with every default.
    public init() {}

    /// Time kept at the end of the budget to commit, hand work back and record the run:
    /// a quarter of the budget, at most 2 s.
    public var reserve: Duration { min(.seconds(2), budget / 4) }

    /// The lease a claim takes: budget plus margin.
    public var lease: Duration { budget + leaseMargin }

    /// Checks the values, once, at start-up.
    public func validate() throws(RunOptionsError) {
        guard batch >= 1, batch <= 1000 else { throw RunOptionsError("--batch must be from 1 to 1000") }
        guard concurrency >= 1, concurrency <= 1000 else { throw RunOptionsError("--concurrency must be from 1 to 1000") }
        guard budget >= .milliseconds(500), budget <= .seconds(3600) else { throw RunOptionsError("--budget must be from 0.5 s to 3600 s") }
        guard !queues.isEmpty else { throw RunOptionsError("name at least one --queue") }
    }
}

/// A run option out of range.
public struct RunOptionsError: TickError {
    public let description: String
    init(_ description: String) { self.description = description }
    public var exitCode: TickExitCode { .usage }
}
