import ArgumentParser
import TickCLI
import TickCore

/// `tick stats --cost`: projected Upstash commands a month at the cron cadence and the real traffic.
struct CostFlags: ParsableArguments {
    @Flag(name: .long, help: "Project Upstash commands a month at the cron cadence and traffic (see docs/cost.md).")
    var cost = false
    @OptionGroup var inputs: CostInputs
}

/// What a cost projection assumes: the cadence, batch and traffic (`tick stats --cost`, `tick doctor`).
struct CostInputs: ParsableArguments {
    @Option(name: .long, help: "Cost projection: minutes between cron runs.")
    var every: Double = 1
    @Option(name: .long, help: "Cost projection: jobs a day (default: observed over the last 7 days in tick_runs).")
    var jobsPerDay: Double?
    @Option(name: .long, help: "Cost projection: the --batch your cron runs use.")
    var batch: Int = RunOptions.defaultBatch
    @Option(name: .long, help: "Cost projection: producers' enqueue requests a day (default: one per job).")
    var enqueueRequestsPerDay: Double?
    @Option(name: .long, help: "Cost projection: a job's JSON in bytes, for bandwidth and storage.")
    var jobBytes: Double = 1_024

    func validate() throws {
        try FlagRange.check(every, 0.0167...1440, flag: "--every", unit: "minutes")
        try FlagRange.check(jobsPerDay, 0...1_000_000_000, flag: "--jobs-per-day")
        try FlagRange.check(batch, 1...1000, flag: "--batch")
        try FlagRange.check(enqueueRequestsPerDay, 0...1_000_000_000, flag: "--enqueue-requests-per-day")
        try FlagRange.check(jobBytes, 2...Double(JobSpec.maximumEncodedSize), flag: "--job-bytes")
    }

    /// The flags as TickCore's assumptions.
    var assumptions: CostAssumptions {
        var assumptions = CostAssumptions(cadenceMinutes: every, jobsPerDay: jobsPerDay, batch: batch, enqueueRequestsPerDay: enqueueRequestsPerDay)
        assumptions.jobBytes = jobBytes
        return assumptions
    }
}
