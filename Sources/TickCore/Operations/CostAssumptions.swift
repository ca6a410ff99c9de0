/// What a cost projection assumes about the cron and the traffic (`tick stats --cost`, `tick doctor`).
public struct CostAssumptions: Sendable, Equatable {
    /// Minutes between cron runs. Defaults to 1.
    public var cadenceMinutes: Double
    /// Jobs a day; `nil` (the default) means observed over the last 7 days in `tick_runs`.
    public var jobsPerDay: Double?
    /// The `--batch` the cron's runs use. Defaults to ``RunOptions/defaultBatch`` (10).
    public var batch: Int
    /// Producers' enqueue requests a day; `nil` (the default) means one request per job.
    public var enqueueRequestsPerDay: Double?
    /// A job's JSON in bytes, for bandwidth and storage. Defaults to 1 KB.
    public var jobBytes: Double = 1_024

    /// The assumptions; every argument has the documented default.
    public init(cadenceMinutes: Double = 1, jobsPerDay: Double? = nil, batch: Int = RunOptions.defaultBatch, enqueueRequestsPerDay: Double? = nil) {
        self.cadenceMinutes = cadenceMinutes
        self.jobsPerDay = jobsPerDay
        self.batch = batch
        self.enqueueRequestsPerDay = enqueueRequestsPerDay
    }
}
