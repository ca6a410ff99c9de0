import ArgumentParser
import TickCore

/// `tick stats --cost`: projected Upstash commands a month at the cron cadence and the real traffic.
struct CostFlags: ParsableArguments {
    @Flag(name: .long, help: "Project Upstash commands a month at the cron cadence and traffic (see docs/cost.md).")
    var cost = false
    @Option(name: .long, help: "With --cost: minutes between cron runs.")
    var every: Double = 1
    @Option(name: .long, help: "With --cost: jobs a day (default: observed over the last 7 days in tick_runs).")
    var jobsPerDay: Double?
    @Option(name: .long, help: "With --cost: the --batch your cron runs use.")
    var batch: Int = RunOptions.defaultBatch
    @Option(name: .long, help: "With --cost: producers' enqueue requests a day (default: one per job).")
    var enqueueRequestsPerDay: Double?
}

enum CostProjection {
    /// Jobs claimed a day over the last 7 days, from the runs table; `nil` without DATABASE_URL.
    static func observedJobsPerDay(environment: [String: String]) throws -> (jobsPerDay: Double, days: Double)? {
        guard environment["DATABASE_URL"].map({ !$0.isEmpty }) == true else { return nil }
        let connection = try PostgresConnection(configuration: PostgresConfiguration(environment: environment))
        defer { connection.close() }
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

    static func report(_ flags: CostFlags, environment: [String: String], json: Bool) throws -> String {
        var source = "given"
        var jobsPerDay = flags.jobsPerDay ?? 0
        if flags.jobsPerDay == nil {
            if let observed = try observedJobsPerDay(environment: environment) {
                jobsPerDay = observed.jobsPerDay
                source = "observed over \(observed.days < 1 ? "\(Int(observed.days * 24)) h" : "\(Int(observed.days)) days") in tick_runs"
            } else {
                source = "none given (no DATABASE_URL to observe it)"
            }
        }
        let model = CostModel(cadenceMinutes: flags.every, jobsPerDay: jobsPerDay, batch: flags.batch, enqueueRequestsPerDay: flags.enqueueRequestsPerDay)
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
