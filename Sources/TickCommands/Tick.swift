import ArgumentParser
import TickBuild
import TickCore

/// `tick`: turns a one-minute cron into a dependable job processor. The stock `tick` executable runs this
/// command; so can your own package's executable.
public struct Tick: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tick",
        abstract: "Turns a one-minute cron into a dependable job processor for serverless apps.",
        discussion: """
            Each run claims a bounded batch of jobs from Redis (the Upstash REST API), works through their \
            items within a time budget, records every finished item in PostgreSQL, and exits. A run that is \
            killed is resumed by the next one without redoing finished items.

            Environment: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, DATABASE_URL \
            (and DATABASE_URL_DIRECT when DATABASE_URL is a transaction pooler).

            Shell completions: tick --generate-completion-script bash|zsh|fish.

            Exit codes:
            \(TickExitCode.helpList)
            """,
        version: TickVersion.description,
        subcommands: [RunCommand.self, DrainCommand.self, MigrateCommand.self, EnqueueCommand.self, PauseCommand.self, ResumeCommand.self, CancelCommand.self, PruneCommand.self, JobsCommand.self, StatsCommand.self, JobCommand.self, RunsCommand.self, DeadCommand.self, ScriptCommand.self, PingCommand.self, DoctorCommand.self, ServeCommand.self, CronCommand.self, SchedulesCommand.self],
        defaultSubcommand: RunCommand.self
    )

    public init() {}
}
