import ArgumentParser
import TickCLI
import TickCore

/// `tick prune`: applies the retention of tick.json (or its defaults) by hand.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove finished jobs, old runs and old dead letters past their retention (--dry-run counts them).",
        discussion: """
            Retention (tick.json "retention", in days): finished_jobs_days 7 (a done or cancelled job's checkpoint \
            and item records; a cancelled job in Redis too), runs_days 30 (tick_runs), dead_letters_days 30 (the \
            dead letter in Redis, then its checkpoint). Runs do the same on their own, in small batches: every \
            claim removes up to 20 dead letters and cancelled jobs past their age from Redis (inside its one \
            request), and every 60th run that claimed work removes up to 500 finished jobs, 500 runs and the \
            checkpoints whose dead or cancelled job left Redis. A job that is still ready, delayed, leased, retrying or dead keeps its checkpoint whatever \
            its age, so it resumes where it stopped. Works in batches of 1,000 (a statement or a request each).
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @Option(name: .long, help: "Handler config file (TICK_CONFIG; default tick.json if it exists), for its retention.")
    var config: String?
    @Flag(name: .long, help: "Count what would be removed; remove nothing.")
    var dryRun = false
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors(global.color) {
            let environment = TickEnvironment()
            let retention = try environment.configFile(config)?.retention ?? Retention()
            let queue = try environment.queue(prefix: environment.prefix(queueOptions.prefix))
            let connection = try PostgresConnection(configuration: PostgresConfiguration(environment: environment.variables))
            defer { connection.close() }
            let pruner = Pruner(queue: queue, store: CheckpointStore(connection: connection), retention: retention)
            let report = try await pruner.run(nowMilliseconds: UnixTime.nowMilliseconds(), dryRun: dryRun)
            print(json ? Self.json(report) : Self.text(report, retention: retention))
        }
    }

    static func json(_ report: Pruner.Report) -> String {
        JSONValue.object([
            "dry_run": .bool(report.dryRun), "finished_jobs": .integer(Int64(report.finishedJobs)), "finished_items": .integer(Int64(report.finishedItems)),
            "runs": .integer(Int64(report.runs)), "dead_letters": .integer(Int64(report.deadLetters)),
            "dead_checkpoints": .integer(Int64(report.deadCheckpoints)), "dead_items": .integer(Int64(report.deadItems)),
            "cancelled_jobs": .integer(Int64(report.cancelledJobs)), "orphan_checkpoints": .integer(Int64(report.orphanCheckpoints)),
        ]).serialized
    }

    static func text(_ report: Pruner.Report, retention: Retention) -> String {
        let verb = report.dryRun ? "would remove" : "removed"
        func days(_ duration: Duration) -> String { "\(Int(duration.milliseconds / 86_400_000)) days" }
        var lines = [
            "finished jobs  \(verb) \(report.finishedJobs) (done or cancelled more than \(days(retention.finishedJobs)) ago), with \(report.finishedItems) item records",
            "runs           \(verb) \(report.runs) (started more than \(days(retention.runs)) ago)",
            "dead letters   \(verb) \(report.deadLetters) (dead more than \(days(retention.deadLetters)) ago)"
                + (report.dryRun ? "" : ", with \(report.deadCheckpoints) checkpoints and \(report.deadItems) item records"),
            "cancelled jobs \(verb) \(report.cancelledJobs) from Redis (cancelled more than \(days(retention.finishedJobs)) ago)",
        ]
        if !report.dryRun { lines.append("orphans        removed \(report.orphanCheckpoints) checkpoints of dead or cancelled jobs no longer in Redis") }
        return lines.joined(separator: "\n")
    }
}
