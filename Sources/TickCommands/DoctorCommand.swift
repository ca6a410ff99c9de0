import ArgumentParser
import TickCLI
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// `tick doctor`: runs TickCore's ``Doctor`` (the environment, Redis, PostgreSQL, the config file, the queues and
/// the projected cost, one line each) and prints its report. Never prints a secret.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the environment, Redis, PostgreSQL, the config file, queue health and the projected cost; one line each.",
        discussion: """
            Each line is ok, warning or error, with what to do. Secrets (the REST token, passwords, CRON_SECRET) \
            are never printed.

            Cost: one Redis request (a /pipeline of CONFIG GET maxmemory-policy and the stats script: 2 billable \
            commands), never retried; 2 requests only if the endpoint refuses the pipeline as a whole. PostgreSQL: \
            one connection to DATABASE_URL (and one to DATABASE_URL_DIRECT when it is set).

            Exit code 0 when no check is an error (warnings allowed), 83 when any check is an error.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @Option(name: .long, help: "Handler config file (TICK_CONFIG; default tick.json if it exists).")
    var config: String?
    @Flag(name: .long, help: "Also check what `tick serve` needs (CRON_SECRET); implied when ./vercel.json exists.")
    var serve = false
    @Flag(name: .long, help: "Print one JSON object instead of lines.")
    var json = false
    @OptionGroup var costInputs: CostInputs
    @Option(name: .long, help: "Longest time without a run before it is an error: seconds, or 90s, 5m, 1h (default: 3 cron intervals).")
    var maxSilence: String?

    /// `--max-silence`: plain seconds or a duration flag, 1 s to 7 days.
    var maxSilenceDuration: Duration? {
        get throws {
            guard let maxSilence else { return nil }
            if let seconds = Int(maxSilence) {
                guard (1...604_800).contains(seconds) else { throw ValidationError("--max-silence must be from 1 s to 7 days (got \(maxSilence))") }
                return .seconds(seconds)
            }
            return .seconds(try DurationFlag.seconds(maxSilence, flag: "--max-silence", range: 1...604_800))
        }
    }

    func validate() throws { _ = try maxSilenceDuration }

    func run() async throws {
        try await reportingErrors(global.color) {
            let environment = ProcessEnvironment.variables
            var doctor = Doctor(
                environment: environment, prefix: queueOptions.resolvedPrefix(environment), configPath: config,
                serve: serve || access("vercel.json", F_OK) == 0, cost: costInputs.assumptions)
            doctor.maxSilence = try maxSilenceDuration
            await doctor.run()
            let report = doctor.report
            let palette = global.palette
            print(json ? report.json : report.text.split(separator: "\n", omittingEmptySubsequences: false).map { palette.leadingState(String($0)) }.joined(separator: "\n"))
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }
    }
}
