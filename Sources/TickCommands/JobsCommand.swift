import ArgumentParser
import TickCLI
import TickCore

extension JobQueue.ListedState: ExpressibleByArgument {}

/// `tick jobs`: a page of a queue's jobs in one state, soonest first (one Redis request; one PostgreSQL
/// statement for their progress when DATABASE_URL is set).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List a queue's jobs in one state, soonest first, a page per request (--after pages on).",
        discussion: """
            ready: by priority, then enqueue time; delayed: by when they run; leased: by when their lease ends; dead: \
            newest first. The last line gives the --after cursor of the next page. Items done/total come from \
            PostgreSQL when DATABASE_URL is set (jobs no run has started show -).
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @Option(name: .long, help: "The queue.")
    var queue: String = JobSpec.defaultQueue
    @Option(name: .long, help: "ready, delayed, leased or dead.")
    var state: JobQueue.ListedState = .ready
    @Option(name: .long, help: "Only jobs of this handler.")
    var handler: String?
    @Option(name: .long, help: "Jobs per page, 1 to 1000.")
    var limit: Int = 50
    @Option(name: .long, help: "The cursor printed at the end of the previous page.")
    var after: String?
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func validate() throws {
        try FlagRange.check(limit, 1...1000, flag: "--limit")
        if let after, !after.contains("|") { throw ValidationError("--after takes the cursor printed at the end of a page, like 1764000000000|job-7") }
    }

    func run() async throws {
        try await reportingErrors(global.color) {
            let environment = TickEnvironment()
            let jobs = try environment.queue(prefix: environment.prefix(queueOptions.prefix))
            let page = try await jobs.jobs(queue: queue, state: state, handler: handler, limit: limit, after: after)
            var progress: [String: (done: Int, total: Int?)] = [:]
            if environment.variables["DATABASE_URL"].map({ !$0.isEmpty }) == true {
                let connection = try PostgresConnection(configuration: PostgresConfiguration(environment: environment.variables))
                defer { connection.close() }
                progress = try CheckpointStore(connection: connection).progress(of: page.jobs.map(\.id))
            }
            print(json ? Self.json(page, progress: progress) : Self.text(page, progress: progress, state: state, palette: global.palette))
        }
    }

    static func json(_ page: JobQueue.JobPage, progress: [String: (done: Int, total: Int?)]) -> String {
        JSONValue.object([
            "jobs": .array(page.jobs.map { job in
                .object([
                    "id": .string(job.id), "handler": .string(job.handler), "attempt": .integer(Int64(job.attempt)),
                    "max_attempts": .integer(Int64(job.maxAttempts)), "at_ms": .integer(job.at), "error": job.error.map(JSONValue.string) ?? .null,
                    "items_done": progress[job.id].map { .integer(Int64($0.done)) } ?? .null,
                    "items_total": progress[job.id]?.total.map { .integer(Int64($0)) } ?? .null,
                ])
            }),
            "next": page.next.map(JSONValue.string) ?? .null,
        ]).serialized
    }

    static func text(
        _ page: JobQueue.JobPage, progress: [String: (done: Int, total: Int?)], state: JobQueue.ListedState, palette: Palette = .plain
    ) -> String {
        let when = ["ready": "enqueued", "delayed": "runs at", "leased": "lease ends", "dead": "died"][state.rawValue] ?? "at"
        var table = TextTable([.init("id"), .init("handler"), .init("attempts"), .init("items"), .init(when + " (UTC)")])
        for job in page.jobs {
            let items = progress[job.id].map { "\($0.done)/\($0.total.map(String.init) ?? "?")" } ?? "-"
            table.add([.init(job.id), .init(job.handler), .init("\(job.attempt)/\(job.maxAttempts)"), .init(items), .init(UnixTime.iso8601(milliseconds: job.at))])
        }
        var lines = table.lines(palette)
        if page.jobs.isEmpty { lines.append("(none)") }
        if let next = page.next { lines.append("next page: --after '\(next)'") }
        return lines.joined(separator: "\n")
    }
}
