/// Upstash commands a month at a cron cadence and a traffic, given or observed in `tick_runs`
/// (`tick stats --cost`, the `cost` line of `tick doctor`; docs/cost.md).
public struct CostProjection: Sendable {
    /// What the projection assumed.
    public var assumptions: CostAssumptions
    /// The model at those assumptions and the traffic used.
    public var model: CostModel
    /// The jobs a day used: given, observed, or 0.
    public var jobsPerDay: Double
    /// Where ``jobsPerDay`` came from: `given`, `observed over N days in tick_runs` (or `N h`), or why there is none.
    public var source: String

    /// The projection for `assumptions`, with `observed` traffic when they give no jobs a day.
    /// - Parameters:
    ///   - assumptions: cadence, batch and traffic.
    ///   - observed: the traffic recorded in `tick_runs`, if known (``RunHistory/traffic(on:)``).
    ///   - unobservedReason: what ``source`` says when nothing is given nor observed.
    public init(_ assumptions: CostAssumptions, observed: RunHistory.Traffic?, unobservedReason: String) {
        var source = "given"
        var jobsPerDay = assumptions.jobsPerDay ?? 0
        if assumptions.jobsPerDay == nil {
            if let observed {
                jobsPerDay = observed.jobsPerDay
                let span = observed.days < 1 ? "\(Int(observed.days * 24)) h" : "\(Int(observed.days)) days"
                source = "observed over \(span) in tick_runs"
            } else {
                source = unobservedReason
            }
        }
        self.assumptions = assumptions
        self.jobsPerDay = jobsPerDay
        self.source = source
        var model = CostModel(
            cadenceMinutes: assumptions.cadenceMinutes, jobsPerDay: jobsPerDay, batch: assumptions.batch,
            enqueueRequestsPerDay: assumptions.enqueueRequestsPerDay)
        model.jobBytes = assumptions.jobBytes
        self.model = model
    }

    /// The projection for `assumptions`, observing the traffic through `DATABASE_URL` when they give no jobs a day.
    /// Opens one connection, only then; without `DATABASE_URL` the source says so.
    /// - Parameters:
    ///   - assumptions: cadence, batch and traffic.
    ///   - environment: the process environment (`DATABASE_URL`).
    public static func observing(_ assumptions: CostAssumptions, environment: [String: String]) throws(PostgresError) -> CostProjection {
        var observed: RunHistory.Traffic?
        if assumptions.jobsPerDay == nil, environment[PostgresConfiguration.databaseURLVariable].map({ !$0.isEmpty }) == true {
            let connection = try PostgresConnection(configuration: PostgresConfiguration(environment: environment))
            defer { connection.close() }
            observed = try RunHistory.traffic(on: connection)
        }
        return CostProjection(assumptions, observed: observed, unobservedReason: "none given (no DATABASE_URL to observe it)")
    }

    /// The projection as `tick stats --cost` prints it: a title and one line per part, a warning if runs cannot keep up.
    public var text: String {
        let month = CostModel.daysPerMonth
        let (every, batch) = (Self.format(assumptions.cadenceMinutes), assumptions.batch)
        let producers = assumptions.enqueueRequestsPerDay.map { "\(Self.format($0)) requests/day" } ?? "one request per job"
        var lines = [
            "Upstash commands in a 30-day month (docs/cost.md)",
            "  cadence     every \(every) min: \(Self.group(model.runsPerDay * month)) runs, 1 command each to claim",
            "  traffic     \(Self.group(jobsPerDay)) jobs/day (\(source)), --batch \(batch): \(Self.group(model.claimingRunsPerDay * month)) runs claim, +1 command each to acknowledge",
            "  producers   \(Self.group(model.enqueueCommandsPerMonth)) enqueue commands (\(producers))",
            "  total       \(Self.group(model.commandsPerMonth)) commands/month = \(Self.format(model.freeTierShare * 100))% of the free tier (500K); pay-as-you-go $\(Self.format(model.payAsYouGoDollars))",
            "  bandwidth   \(Self.bytes(model.bandwidthBytesPerMonth))/month = \(Self.format(model.bandwidthFreeTierShare * 100))% of the free tier (10 GB), jobs of \(Self.bytes(assumptions.jobBytes)) (--job-bytes)",
            "  storage     \(Self.bytes(model.storageBytes)) = \(Self.format(model.storageFreeTierShare * 100))% of the free tier (256 MB): jobs waiting between runs and 24 h of finished jobs' tombstones",
        ]
        if !model.keepsUp {
            lines.append(
                "  warning     \(Self.group(jobsPerDay)) jobs/day exceed what runs every \(every) min with --batch \(batch) can claim (\(Self.group(model.runsPerDay * Double(batch)))/day): raise --batch")
        }
        return lines.joined(separator: "\n")
    }

    /// The projection as one JSON object (`tick stats --cost --json`).
    public var json: String {
        JSONValue.object([
            "cadence_minutes": .double(assumptions.cadenceMinutes), "jobs_per_day": .double(jobsPerDay.rounded()),
            "jobs_per_day_source": .string(source), "batch": .integer(Int64(assumptions.batch)),
            "runs_per_month": .integer(Int64(model.runsPerDay * CostModel.daysPerMonth)),
            "run_commands_per_month": .integer(Int64(model.runCommandsPerMonth)),
            "enqueue_commands_per_month": .integer(Int64(model.enqueueCommandsPerMonth)),
            "commands_per_month": .integer(Int64(model.commandsPerMonth)),
            "free_tier_share": .double((model.freeTierShare * 10000).rounded() / 10000),
            "pay_as_you_go_dollars": .double((model.payAsYouGoDollars * 100).rounded() / 100), "keeps_up": .bool(model.keepsUp),
            "job_bytes": .integer(Int64(assumptions.jobBytes)), "bandwidth_bytes_per_month": .integer(Int64(model.bandwidthBytesPerMonth)),
            "bandwidth_free_tier_share": .double((model.bandwidthFreeTierShare * 10000).rounded() / 10000),
            "storage_bytes": .integer(Int64(model.storageBytes)), "storage_free_tier_share": .double((model.storageFreeTierShare * 10000).rounded() / 10000),
        ]).serialized
    }

    /// `512 B`, `9.05 KB`, `391 MB`, `1.2 GB` (powers of 1,000, as Upstash's limits are given).
    public static func bytes(_ value: Double) -> String {
        for (unit, scale) in [("GB", 1e9), ("MB", 1e6), ("KB", 1e3)] where value >= scale { return "\(format(value / scale)) \(unit)" }
        return "\(Int(value.rounded())) B"
    }

    /// A whole number from 100 on or when whole (`1`, `250`), else at most two decimals (`0.5`, `8.64`).
    public static func format(_ value: Double) -> String {
        value >= 100 || value == value.rounded() ? String(Int(value.rounded())) : String((value * 100).rounded() / 100)
    }

    /// The value rounded, with thousands separated by commas (`43,200`).
    public static func group(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }
}
