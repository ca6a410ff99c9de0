/// Upstash commands a month for `tick` at a cron cadence and a traffic, from what a run costs:
/// one request (one billable `EVAL`) per run to claim, plus one per run that claimed something to acknowledge.
/// Producers add one `EVAL` per enqueue request (one per job when enqueued one by one; 500 jobs per
/// request for `tick enqueue --file`).
public struct CostModel: Sendable, Equatable {
    /// Minutes between cron runs. Defaults to 1.
    public var cadenceMinutes: Double = 1
    /// Jobs enqueued per day.
    public var jobsPerDay: Double = 0
    /// Jobs a run claims at most (`--batch`). Defaults to 10.
    public var batch: Int = RunOptions.defaultBatch
    /// Enqueue requests per day; `nil` means one per job.
    public var enqueueRequestsPerDay: Double?
    /// A job's JSON, in bytes (for bandwidth and storage). Defaults to 1 KB.
    public var jobBytes: Double = 1_024
    /// How long a finished job's tombstone stays (retention's `dedup_window_s`), in hours. Defaults to 24.
    public var dedupWindowHours: Double = 24

    /// Days in the billing month used here: 30 (43,200 minutes).
    public static let daysPerMonth = 30.0
    /// Upstash's free tier: 500,000 commands a month.
    public static let freeTierCommands = 500_000.0
    /// Upstash pay-as-you-go: $0.20 per 100,000 commands.
    public static let dollarsPer100k = 0.20

    public init(cadenceMinutes: Double = 1, jobsPerDay: Double = 0, batch: Int = RunOptions.defaultBatch, enqueueRequestsPerDay: Double? = nil) {
        self.cadenceMinutes = cadenceMinutes
        self.jobsPerDay = jobsPerDay
        self.batch = batch
        self.enqueueRequestsPerDay = enqueueRequestsPerDay
    }

    /// Runs a day at the cadence.
    public var runsPerDay: Double { 1440 / max(cadenceMinutes, 1.0 / 60) }

    /// Runs a day that claim something: a run claims up to `batch` jobs, so at least `jobsPerDay / batch`
    /// runs claim; jobs arriving spread over the day make most runs claim when there are more jobs than runs.
    /// Never more than the runs themselves (a backlog beyond that needs `tick drain` or a larger batch).
    public var claimingRunsPerDay: Double {
        guard jobsPerDay > 0 else { return 0 }
        let needed = (jobsPerDay / Double(max(batch, 1))).rounded(.up)
        let arriving = min(jobsPerDay, runsPerDay)
        return min(runsPerDay, max(needed, arriving))
    }

    /// Whether the cadence and batch can keep up with the traffic.
    public var keepsUp: Bool { jobsPerDay <= runsPerDay * Double(batch) }

    /// Billable commands a month by the runs: claims, plus acknowledgements of claiming runs.
    public var runCommandsPerMonth: Double { (runsPerDay + claimingRunsPerDay) * Self.daysPerMonth }
    /// Billable commands a month by the producers' enqueue requests.
    public var enqueueCommandsPerMonth: Double { (enqueueRequestsPerDay ?? jobsPerDay) * Self.daysPerMonth }
    /// All billable commands a month.
    public var commandsPerMonth: Double { runCommandsPerMonth + enqueueCommandsPerMonth }
    /// Share of the free tier, 1 = all of it.
    public var freeTierShare: Double { commandsPerMonth / Self.freeTierCommands }
    /// Pay-as-you-go cost a month, in dollars.
    public var payAsYouGoDollars: Double { commandsPerMonth / 100_000 * Self.dollarsPer100k }
}
