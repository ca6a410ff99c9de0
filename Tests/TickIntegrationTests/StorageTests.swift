import Foundation
import Logging
import Synchronization
import Testing
import TickCore

/// Retention at scale, in a database of its own: 50,000 finished jobs (half past their age, two item records
/// each) and 50,000 runs (half past theirs); then ordinary runs, each pruning one bounded batch after its work,
/// until nothing past its age is left. `tick_items` comes back to exactly the retained rows, and every prune's own
/// time (the `pruned` line each run logs) is printed: a figure, not an assertion.
@Suite("storage", .serialized)
struct StorageTests {
    static let jobs = 50_000
    static let runs = 50_000

    @Test("50,000 finished jobs and 50,000 runs: runs prune the aged half in bounded batches; tick_items returns to the retained size; tick_runs queries stay on their index")
    func retentionAtScale() async throws {
        let harness = try RunnerHarness()
        let scratch = try ScratchDatabase(prefix: harness.prefix)
        defer { scratch.drop() }
        try scratch.migrate()
        let connection = try scratch.connect()
        defer { connection.close() }
        try seed(connection)
        let itemsBefore = try count(connection, "SELECT count(*) AS n FROM tick_items")
        #expect(itemsBefore == Self.jobs * 2)

        let prunes = PruneTimes()
        let runner = try Self.runner(harness, url: scratch.url, prunes: prunes)
        let queue = try harness.queue()
        var runCount = 0
        while try count(connection, "SELECT count(*) AS n FROM tick_jobs WHERE updated_at < now() - interval '7 days'") > 0
            || count(connection, "SELECT count(*) AS n FROM tick_runs WHERE started_at < now() - interval '30 days'") > 0
        {
            runCount += 1
            try #require(runCount <= 2_000, "retention did not converge")
            _ = try await queue.enqueue([.items("\(harness.prefix)-w\(runCount)", count: 1, handler: "noop")], nowMilliseconds: UnixTime.nowMilliseconds())
            let report = await runner.run(RunOptions())
            #expect(report.jobsCompleted == 1, "\(report)")
        }
        // Retained: the recent half's items, and the one item of each run's own job.
        let itemsAfter = try count(connection, "SELECT count(*) AS n FROM tick_items")
        #expect(itemsAfter == Self.jobs + runCount, "\(itemsAfter) item records left")
        #expect(try count(connection, "SELECT count(*) AS n FROM tick_runs") == Self.runs / 2 + runCount)

        try connection.query("ANALYZE tick_runs")
        for (name, sql) in [
            ("tick runs --since 1h", "SELECT run_id FROM tick_runs WHERE started_at > now() - interval '1 hour' ORDER BY started_at DESC, run_id DESC LIMIT 50"),
            ("the runs' prune", "SELECT run_id FROM tick_runs WHERE started_at < now() - interval '30 days' ORDER BY started_at LIMIT 500"),
        ] {
            let plan = try connection.query("EXPLAIN " + sql).compactMap { try $0.string("QUERY PLAN") }.joined(separator: "\n")
            #expect(plan.contains("tick_runs_started_at_idx") && !plan.contains("Seq Scan"), "\(name) reads its index:\n\(plan)")
        }
        let times = prunes.milliseconds.sorted()
        #expect(times.count == runCount, "every run pruned once (pruneEveryRuns 1)")
        func percentile(_ p: Double) -> Int { times.isEmpty ? 0 : times[min(times.count - 1, Int(Double(times.count) * p))] }
        print(
            "storage: \(Self.jobs) finished jobs (\(itemsBefore) item records) and \(Self.runs) runs, half past their age, pruned by \(runCount) runs "
                + "(\(runner.pruneLimit) jobs and \(runner.pruneLimit) runs each); tick_items \(itemsBefore) -> \(itemsAfter) rows; "
                + "each run's prune: median \(percentile(0.5)) ms, p90 \(percentile(0.9)) ms, max \(times.last ?? 0) ms")
    }

    /// The finished jobs (2 item records each) and runs, half of each past its default retention.
    func seed(_ connection: PostgresConnection) throws {
        try connection.query(
            """
            INSERT INTO tick_jobs (job_id, queue, handler, fence, items_total, attempt, state, updated_at)
            SELECT 'storage-' || g, 'default', 'noop', 1, 2, 1, 'done',
                   CASE WHEN g % 2 = 0 THEN now() - interval '8 days' ELSE now() - interval '1 day' END
            FROM generate_series(1, \(Self.jobs)) AS g
            """)
        try connection.query(
            """
            INSERT INTO tick_items (job_id, item_index, state, fence, attempt, finished_at)
            SELECT 'storage-' || g, i, 'done', 1, 1, now() - interval '1 day' FROM generate_series(1, \(Self.jobs)) AS g, generate_series(0, 1) AS i
            """)
        try connection.query(
            """
            INSERT INTO tick_runs (trigger, started_at, finished_at, budget_ms, claimed)
            SELECT 'cron', started, started + interval '1 second', 50000, 1
            FROM (SELECT CASE WHEN g % 2 = 0 THEN now() - interval '40 days' ELSE now() - interval '2 days' END - g * interval '1 second' AS started
                  FROM generate_series(1, \(Self.runs)) AS g) AS s
            """)
        try connection.query("ANALYZE")
    }

    func count(_ connection: PostgresConnection, _ sql: String) throws -> Int { try connection.query(sql).first?.int("n") ?? -1 }

    /// A runner that prunes after every run and reports each prune's time.
    static func runner(_ harness: RunnerHarness, url: String, prunes: PruneTimes) throws -> TickRunner {
        var registry = HandlerRegistry()
        registry.register("noop", NoopHandler())
        var logger = Logger(label: "storage") { _ in PruneTimeHandler(times: prunes) }
        logger.logLevel = .debug
        var runner = TickRunner(queue: try harness.queue(), registry: registry, logger: logger) { timeout throws(PostgresError) in
            try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(url), connectTimeout: timeout))
        }
        runner.retention = Retention()
        runner.pruneEveryRuns = 1
        if let limit = ProcessInfo.processInfo.environment["TICK_TEST_PRUNE_LIMIT"].flatMap(Int.init) { runner.pruneLimit = limit }
        return runner
    }
}

/// The `ms` of every `pruned` line.
final class PruneTimes: Sendable {
    private let storage = Mutex<[Int]>([])
    var milliseconds: [Int] { storage.withLock { $0 } }
    func add(_ value: Int) { storage.withLock { $0.append(value) } }
}

/// Keeps the time of each `pruned` debug line; drops every other line.
struct PruneTimeHandler: LogHandler {
    let times: PruneTimes
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.message.description == "pruned", case .string(let ms)? = event.metadata?["ms"], let value = Int(ms) else { return }
        times.add(value)
    }
}
