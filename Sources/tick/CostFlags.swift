import ArgumentParser
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
}

enum CostProjection {
    /// A projection: the model and where its traffic figure came from.
    struct Projection {
        var model: CostModel
        var jobsPerDay: Double
        /// "given", "observed over N days in tick_runs", or why there is none.
        var source: String
    }

    /// Jobs claimed a day over the last 7 days, from the runs table; `nil` without DATABASE_URL.
    static func observedJobsPerDay(environment: [String: String]) throws -> (jobsPerDay: Double, days: Double)? {
        guard environment["DATABASE_URL"].map({ !$0.isEmpty }) == true else { return nil }
        let connection = try PostgresConnection(configuration: PostgresConfiguration(environment: environment))
        defer { connection.close() }
        return try observedJobsPerDay(on: connection)
    }

    /// Jobs claimed a day over the last 7 days, from the runs table of an open connection.
    static func observedJobsPerDay(on connection: PostgresConnection) throws -> (jobsPerDay: Double, days: Double) {
        let row = try connection.query(
            """
            SELECT coalesce(sum(claimed), 0) AS claimed,
              greatest(extract(epoch FROM now() - min(started_at)) / 86400, 1.0 / 24) AS days
            FROM tick_runs WHERE started_at > now() - interval '7 days'
            """
        ).first
        let claimed = Double(try row?.int("claimed") ?? 0)
        let days = min(7, Double(try row?.string("days") ?? "1") ?? 1)
        return (claimed / days, days)
    }

    /// The projection for `inputs`, with `observed` traffic when no --jobs-per-day is given.
    /// - Parameters:
    ///   - inputs: the flags.
    ///   - observed: jobs a day seen in tick_runs and over how many days, if known.
    ///   - unobservedReason: what to say when nothing is given nor observed.
    static func projection(_ inputs: CostInputs, observed: (jobsPerDay: Double, days: Double)?, unobservedReason: String) -> Projection {
        var source = "given"
        var jobsPerDay = inputs.jobsPerDay ?? 0
        if inputs.jobsPerDay == nil {
            if let observed {
                jobsPerDay = observed.jobsPerDay
                source = "observed over \(observed.days < 1 ? "\(Int(observed.days * 24)) h" : "\(Int(observed.days)) days") in tick_runs"
            } else {
                source = unobservedReason
            }
        }
        let model = CostModel(cadenceMinutes: inputs.every, jobsPerDay: jobsPerDay, batch: inputs.batch, enqueueRequestsPerDay: inputs.enqueueRequestsPerDay)
        return Projection(model: model, jobsPerDay: jobsPerDay, source: source)
    }

    static func report(_ flags: CostInputs, environment: [String: String], json: Bool) throws -> String {
        let observed = flags.jobsPerDay == nil ? try observedJobsPerDay(environment: environment) : nil
        let projection = projection(flags, observed: observed, unobservedReason: "none given (no DATABASE_URL to observe it)")
        let (model, jobsPerDay, source) = (projection.model, projection.jobsPerDay, projection.source)
        if json {
            return JSONValue.object([
                "cadence_minutes": .double(flags.every), "jobs_per_day": .double(jobsPerDay.rounded()), "jobs_per_day_source": .string(source),
                "batch": .integer(Int64(flags.batch)), "runs_per_month": .integer(Int64(model.runsPerDay * CostModel.daysPerMonth)),
                "run_commands_per_month": .integer(Int64(model.runCommandsPerMonth)),
                "enqueue_commands_per_month": .integer(Int64(model.enqueueCommandsPerMonth)),
                "commands_per_month": .integer(Int64(model.commandsPerMonth)), "free_tier_share": .double((model.freeTierShare * 10000).rounded() / 10000),
                "pay_as_you_go_dollars": .double((model.payAsYouGoDollars * 100).rounded() / 100), "keeps_up": .bool(model.keepsUp),
            ]).serialized
        }
        let month = CostModel.daysPerMonth
        var lines = [
            "Upstash commands in a 30-day month (docs/cost.md)",
            "  cadence     every \(format(flags.every)) min: \(group(model.runsPerDay * month)) runs, 1 command each to claim",
            "  traffic     \(group(jobsPerDay)) jobs/day (\(source)), --batch \(flags.batch): \(group(model.claimingRunsPerDay * month)) runs claim, +1 command each to acknowledge",
            "  producers   \(group(model.enqueueCommandsPerMonth)) enqueue commands (\(flags.enqueueRequestsPerDay == nil ? "one request per job" : "\(format(flags.enqueueRequestsPerDay ?? 0)) requests/day"))",
            "  total       \(group(model.commandsPerMonth)) commands/month = \(format(model.freeTierShare * 100))% of the free tier (500K); pay-as-you-go $\(format(model.payAsYouGoDollars))",
        ]
        if !model.keepsUp {
            lines.append("  warning     \(group(jobsPerDay)) jobs/day exceed what runs every \(format(flags.every)) min with --batch \(flags.batch) can claim (\(group(model.runsPerDay * Double(flags.batch)))/day): raise --batch")
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        value >= 100 || value == value.rounded() ? String(Int(value.rounded())) : String((value * 100).rounded() / 100)
    }

    static func group(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }
}
