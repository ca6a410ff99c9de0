import ArgumentParser
import TickCLI
import TickCore

/// `tick runs`: the recorded runs (`tick_runs`), newest first, with totals over the same filter.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Recorded runs, newest first, and totals over the filter (one PostgreSQL connection, two statements, no Redis request).")

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Runs started within this long: 30s, 15m, 1h, 7d (1s to 400d).")
    var since = "24h"
    @Option(name: .long, help: "Only runs of this trigger.")
    var trigger: RunTrigger?
    @Flag(name: .long, help: "Only runs that exited with a non-zero code.")
    var failed = false
    @Option(name: .long, help: "Runs listed at most (1 to 1000); the totals cover every match.")
    var limit = 50
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    /// The `--since` window in seconds, checked.
    func sinceSeconds() throws -> Int { try DurationFlag.seconds(since, flag: "--since", range: 1...400 * 86_400) }

    func validate() throws {
        _ = try sinceSeconds()
        try FlagRange.check(limit, 1...1000, flag: "--limit")
    }

    func run() async throws {
        let filter = RunHistory.Filter(sinceSeconds: try sinceSeconds(), trigger: trigger, failedOnly: failed)
        try await reportingErrors(global.color) {
            let services = TickEnvironment()
            let connection = try PostgresConnection(configuration: PostgresConfiguration(environment: services.variables))
            defer { connection.close() }
            let listing = try RunHistory.list(on: connection, filter: filter, limit: limit)
            print(json ? RunsOutput.json(listing) : RunsOutput.table(listing, since: since, palette: global.palette))
        }
    }
}
