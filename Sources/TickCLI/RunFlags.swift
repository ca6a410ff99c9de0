import ArgumentParser
import TickCore

/// How runs behave: the flags of `tick run`, `tick drain` and `tick-serve`, defined once.
public struct RunFlags: ParsableArguments {
    @Option(name: .long, help: "Queue to claim from; repeat for several, in priority order.")
    public var queue: [String] = []
    @Option(name: .long, help: "Jobs claimed at most per run.")
    public var batch: Int = RunOptions.defaultBatch
    @Option(name: .long, help: "Items in flight at once within one run.")
    public var concurrency: Int = RunOptions.defaultConcurrency
    @Option(name: .long, help: "Seconds the whole run may take, start to exit.")
    public var budget: Double = RunOptions.defaultBudget.milliseconds / 1000
    @Option(name: .long, help: "Seconds a lease outlives the budget (also the tolerated clock skew between machines).")
    public var leaseMargin: Double = RunOptions.defaultLeaseMargin.milliseconds / 1000
    @Option(name: .long, help: "Handler config file (TICK_CONFIG; default tick.json if it exists).")
    public var config: String?

    public init() {}

    /// The run options these flags give, checked (an out-of-range value is a usage error, exit 64).
    public func options(trigger: RunTrigger) throws -> RunOptions {
        var options = RunOptions()
        if !queue.isEmpty { options.queues = queue }
        options.batch = batch
        options.concurrency = concurrency
        options.budget = try Self.duration(budget, flag: "--budget")
        options.leaseMargin = try Self.duration(leaseMargin, flag: "--lease-margin")
        options.trigger = trigger
        try options.validate()
        return options
    }

    /// Seconds from a flag as a duration, rounded to the millisecond; a value that is not a finite number of
    /// seconds from 0 to 86,400 is a usage error.
    public static func duration(_ seconds: Double, flag: String) throws -> Duration {
        guard seconds.isFinite, (0...86_400).contains(seconds) else {
            throw ValidationError("\(flag) must be a number of seconds from 0 to 86400")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
