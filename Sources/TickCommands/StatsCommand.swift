import ArgumentParser
import TickCLI
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// `tick stats`: counts per queue, in one Redis request.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Ready, delayed, leased and dead jobs per queue (one Redis request); --cost projects Upstash commands a month.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @Flag(name: .long, help: "Print JSON.")
    var json = false
    @Flag(name: .long, help: "The busiest flow keys per queue and handler: waiting and running jobs, parked or not.")
    var keys = false
    @Option(name: .long, help: "With --keys: rows at most.")
    var limit: Int = 20
    @OptionGroup var costFlags: CostFlags

    func validate() throws {
        try FlagRange.check(limit, 1...1000, flag: "--limit")
        if keys && costFlags.cost { throw ValidationError("--keys or --cost, not both") }
    }

    func run() async throws {
        try await reportingErrors(global.color) {
            let services = TickEnvironment()
            if costFlags.cost {
                let projection = try CostProjection.observing(costFlags.inputs.assumptions, environment: services.variables)
                print(json ? projection.json : projection.text)
                return
            }
            let jobQueue = try services.queue(prefix: queueOptions.resolvedPrefix(services.variables))
            if keys {
                let found = try await jobQueue.flowKeys(limit: limit)
                print(json ? StatsKeysOutput.json(found.keys, total: found.total)
                    : StatsKeysOutput.table(found.keys, total: found.total, nowMilliseconds: UnixTime.nowMilliseconds(), palette: global.palette))
                return
            }
            let stats = try await jobQueue.stats(nowMilliseconds: UnixTime.nowMilliseconds())
            if json {
                print(JSONValue.array(stats.map { s in
                    .object([
                        "queue": .string(s.queue), "ready": .integer(Int64(s.ready)), "delayed": .integer(Int64(s.delayed)),
                        "leased": .integer(Int64(s.leased)), "dead": .integer(Int64(s.dead)), "due_delayed": .integer(Int64(s.dueDelayed)),
                        "expired_leases": .integer(Int64(s.expiredLeases)), "paused": .bool(s.paused),
                        "oldest_ready_enqueued_at": s.oldestReadyEnqueuedAt.map { .integer($0) } ?? .null,
                    ])
                }).serialized)
                return
            }
            print(Self.table(stats, palette: global.palette))
        }
    }
}

extension StatsCommand {
    /// The aligned table: a queue per line, its counts, and `paused` when it is.
    static func table(_ stats: [QueueStats], palette: Palette) -> String {
        var table = TextTable([
            .init("queue"), .init("ready", right: true), .init("delayed", right: true), .init("leased", right: true),
            .init("dead", right: true), .init("state"),
        ])
        for s in stats {
            table.add([
                .init(s.queue), .init(String(s.ready)), .init(String(s.delayed)), .init(String(s.leased)),
                .init(String(s.dead)), .state(s.paused ? "paused" : "active"),
            ])
        }
        return (table.lines(palette) + (stats.isEmpty ? ["(no queues yet)"] : [])).joined(separator: "\n")
    }
}

/// `tick job ID`: a job's state in Redis and its checkpoint in PostgreSQL, together.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job", abstract: "Show a job's state in Redis and its checkpoint in PostgreSQL (one request, one query).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @Argument(help: "The job's id.")
    var id: String
    @Flag(name: .long, help: "Print JSON (the default when stdout is not a terminal).")
    var json = false
    @Flag(name: .long, help: "Print the human-readable form (the default on a terminal).")
    var text = false

    func validate() throws {
        if json && text { throw ValidationError("--json or --text, not both") }
    }

    func run() async throws {
        try await reportingErrors(global.color) {
            let services = TickEnvironment()
            let jobQueue = try services.queue(prefix: queueOptions.resolvedPrefix(services.variables))
            var record = try await jobQueue.record(of: id).mapValues { JSONValue.string($0) }
            if let spec = record["spec"]?.stringValue, let parsed = try? JSONValue(parsing: Array(spec.utf8)) { record["spec"] = parsed }
            var output: [String: JSONValue] = ["id": .string(id), "redis": record.isEmpty ? .null : .object(record)]
            if services.variables["DATABASE_URL"].map({ !$0.isEmpty }) == true {
                let connection = try PostgresConnection(configuration: PostgresConfiguration(environment: services.variables))
                defer { connection.close() }
                if let summary = try CheckpointStore(connection: connection).summary(of: id) {
                    var checkpoint: [String: JSONValue] = [
                        "state": .string(summary.state), "fence": .integer(summary.fence), "attempt": .integer(Int64(summary.attempt)),
                        "items_done": .integer(Int64(summary.itemsDone)), "items_failed": .integer(Int64(summary.itemsFailed)),
                        "cursor": summary.cursor.map(JSONValue.string) ?? .null,
                        "items_total": summary.itemsTotal.map { .integer(Int64($0)) } ?? .null,
                    ]
                    checkpoint["progress"] = summary.progress.map { .double(($0 * 1000).rounded() / 1000) } ?? .null
                    checkpoint["message"] = summary.message.map(JSONValue.string) ?? .null
                    checkpoint["result"] = summary.result.flatMap { try? JSONValue(parsing: Array($0.utf8)) } ?? .null
                    if let failure = summary.lastFailure {
                        checkpoint["last_failure"] = .object(["item": .integer(Int64(failure.index)), "error": .string(failure.error)])
                    }
                    output["checkpoint"] = .object(checkpoint)
                } else {
                    output["checkpoint"] = .null
                }
            }
            guard !record.isEmpty || output["checkpoint"].map({ $0 != .null }) == true else {
                throw InputError("no job \(id) in Redis or PostgreSQL (finished jobs stay in Redis for 24 h)")
            }
            let human = text || (!json && isatty(STDOUT_FILENO) == 1)
            print(human ? JobText.render(id: id, output, palette: global.palette) : JSONValue.object(output).serialized)
        }
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
