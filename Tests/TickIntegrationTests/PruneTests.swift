import Foundation
import Logging
import Testing
import TickCore

/// `tick prune` against the real services, in a database of its own: exactly what is past its age goes, and every
/// checkpoint a queued job needs stays (a pruned-around job still resumes without redoing its items).
@Suite("retention", .serialized)
struct PruneTests {
    let harness: RunnerHarness
    /// A database of this test's own (dropped at its end): pruning is global, so no other test may share it.
    let scratch: ScratchDatabase
    let environment: [String: String]
    var databaseURL: String { scratch.url }

    init() throws {
        harness = try RunnerHarness()
        scratch = try ScratchDatabase(prefix: harness.prefix)
        try scratch.migrate()
        var environment = harness.binaryEnvironment()
        environment["DATABASE_URL"] = scratch.url
        self.environment = environment
    }

    func tick(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String, summary: [String: Any]) {
        let output = try await runProcess(RunnerHarness.tickBinary, arguments + ["--log-format", "json"], environment: environment)
        let line = output.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return (output.status, output.stdout, output.stderr, (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:])
    }

    func sql(_ text: String, _ parameters: [PostgresParameter] = []) throws -> PostgresResult {
        let connection = try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(databaseURL)))
        defer { connection.close() }
        return try connection.query(text, parameters)
    }

    /// A runner over this test's database that prunes after every run that claimed work.
    func pruningRunner(_ queue: JobQueue) -> TickRunner {
        var registry = HandlerRegistry()
        registry.register("noop", NoopHandler())
        let url = databaseURL
        var runner = TickRunner(queue: queue, registry: registry, logger: .init(label: "prune-test")) { timeout throws(PostgresError) in
            try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(url), connectTimeout: timeout))
        }
        runner.retention = Retention()
        runner.pruneEveryRuns = 1
        return runner
    }

    func jobRows() throws -> Set<String> {
        Set(try sql("SELECT job_id FROM tick_jobs").compactMap { try $0.string("job_id") })
    }

    @Test("past their age: a finished job and its items, a run, a dead letter and its checkpoint; kept: a recent finished job, an old unfinished one, a retried dead job's checkpoint")
    func prune() async throws {
        defer { scratch.drop() }
        let p = harness.prefix
        let queue = try harness.queue()
        let day: Int64 = 86_400_000
        let now = UnixTime.nowMilliseconds()
        let (old, recent, resumable, expired, retried) = ("\(p)-old", "\(p)-recent", "\(p)-resumable", "\(p)-expired", "\(p)-retried")
        // Two finished jobs (one aged 8 days), recorded by a real run.
        _ = try await queue.enqueue([.items(old, count: 3, handler: "noop"), .items(recent, count: 1, handler: "noop")], nowMilliseconds: now)
        await #expect(try tick(["run"]).summary["jobs_completed"] as? Int == 2)
        _ = try sql("UPDATE tick_jobs SET updated_at = now() - interval '8 days' WHERE job_id = $1", [.text(old)])
        // An unfinished job (2 of 4 items done, released 40 days ago): its checkpoint must survive.
        _ = try await queue.enqueue([.items(resumable, count: 4, handler: "noop")], nowMilliseconds: now)
        _ = try sql(
            """
            INSERT INTO tick_jobs (job_id, queue, handler, fence, items_total, attempt, state, updated_at)
            VALUES ($1, 'default', 'noop', 1, 4, 1, 'released', now() - interval '40 days')
            """, [.text(resumable)])
        _ = try sql("INSERT INTO tick_items (job_id, item_index, state, fence, attempt) VALUES ($1, 0, 'done', 1, 1), ($1, 1, 'done', 1, 1)", [.text(resumable)])
        // Two dead letters from 31 days ago, each with a dead checkpoint; one is then retried (queued again).
        _ = try await queue.enqueue([.items(expired, count: 1, handler: "dead"), .items(retried, count: 1, handler: "dead")], nowMilliseconds: now)
        let claim = try await queue.claim(queues: ["default"], handlers: ["dead"], batch: 2, lease: .seconds(60), nowMilliseconds: now)
        _ = try await queue.acknowledge(claim.jobs.map { .init(job: $0, outcome: .dead(reason: "test")) }, nowMilliseconds: now - 31 * day)
        for id in [expired, retried] {
            _ = try sql(
                "INSERT INTO tick_jobs (job_id, queue, handler, fence, items_total, attempt, state, updated_at) VALUES ($1, 'default', 'dead', 1, 1, 1, 'dead', now() - interval '31 days')",
                [.text(id)])
        }
        #expect(try await queue.retryDead(queue: "default", ids: [retried]) == 1)
        _ = try sql("INSERT INTO tick_runs (trigger, started_at, budget_ms, claimed) VALUES ('cron', now() - interval '31 days', 1000, 1)")

        let dry = try await tick(["prune", "--dry-run", "--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.summary["finished_jobs"] as? Int == 1 && dry.summary["finished_items"] as? Int == 3, "\(dry.stdout)")
        #expect(dry.summary["runs"] as? Int == 1 && dry.summary["dead_letters"] as? Int == 1, "\(dry.stdout)")
        #expect(try jobRows().contains(old), "a dry run removes nothing")

        let pruned = try await tick(["prune", "--json"])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(pruned.summary["finished_jobs"] as? Int == 1 && pruned.summary["runs"] as? Int == 1, "\(pruned.stdout)")
        #expect(pruned.summary["dead_letters"] as? Int == 1 && pruned.summary["dead_checkpoints"] as? Int == 1, "\(pruned.stdout)")
        let rows = try jobRows()
        #expect(!rows.contains(old) && !rows.contains(expired), "\(rows)")
        #expect(rows.isSuperset(of: [recent, resumable, retried]), "\(rows)")
        #expect(try sql("SELECT count(*) AS n FROM tick_items WHERE job_id = $1", [.text(old)]).first?.int("n") == 0)
        #expect(try await queue.record(of: expired).isEmpty, "the dead letter left Redis")
        #expect(try sql("SELECT count(*) AS n FROM tick_runs WHERE started_at < now() - interval '30 days'").first?.int("n") == 0)

        // The job pruned around resumes: only its two unfinished items run.
        let resumed = try await tick(["run"])
        #expect(resumed.summary["jobs_completed"] as? Int == 1 && resumed.summary["items_done"] as? Int == 2, "\(resumed.stdout)")
        #expect(resumed.summary["jobs_skipped"] as? Int == 1, "the retried dead job waits for its handler")
        let text = try await tick(["prune"])
        #expect(text.stdout.contains("finished jobs  removed 0") && text.stdout.contains("dead letters   removed 0"), "\(text.stdout)")
    }

    @Test("a run prunes a bounded batch after its acknowledgement, on its cadence; the figure printed is the prune's own time")
    func runsPrune() async throws {
        defer { scratch.drop() }
        let p = harness.prefix
        let queue = try harness.queue()
        let now = UnixTime.nowMilliseconds()
        _ = try await queue.enqueue([.items("\(p)-aged", count: 2, handler: "noop")], nowMilliseconds: now)
        await #expect(try tick(["run"]).summary["jobs_completed"] as? Int == 1)
        _ = try sql("UPDATE tick_jobs SET updated_at = now() - interval '8 days' WHERE job_id = $1", [.text("\(p)-aged")])
        _ = try sql("INSERT INTO tick_runs (trigger, started_at, budget_ms, claimed) VALUES ('cron', now() - interval '40 days', 1000, 1)")

        let runner = pruningRunner(queue)
        _ = try await queue.enqueue([.items("\(p)-next", count: 1, handler: "noop")], nowMilliseconds: now)
        let started = ContinuousClock.now
        let report = await runner.run(RunOptions())
        let runTime = started.duration(to: .now)
        #expect(report.jobsCompleted == 1)
        #expect(!(try jobRows()).contains("\(p)-aged"), "the aged finished job went with the run")
        #expect(try sql("SELECT count(*) AS n FROM tick_runs WHERE started_at < now() - interval '30 days'").first?.int("n") == 0)
        #expect(try jobRows().contains("\(p)-next"), "the job the run finished stays")
        let idle = await runner.run(RunOptions())
        #expect(idle.exitReason == .idle && idle.redisRequests == 1, "an idle run opens no connection, so it prunes nothing")
        print("automatic prune: a run with one job and a prune batch took \(Int(runTime.milliseconds)) ms in all")
    }
}

extension PruneTests {
    @Test("a claim removes dead letters and cancelled jobs past their age inside its one request; a pruning run then removes the checkpoints they orphaned")
    func claimSweeps() async throws {
        defer { scratch.drop() }
        let p = harness.prefix
        let queue = try harness.queue()
        let client = try harness.client()
        let day: Int64 = 86_400_000
        let now = UnixTime.nowMilliseconds()
        let (oldDead, newDead, oldCancelled, newCancelled) = ("\(p)-old-dead", "\(p)-new-dead", "\(p)-old-cancelled", "\(p)-new-cancelled")
        _ = try await queue.enqueue([oldDead, newDead].map { .items($0, count: 1, handler: "gone") }, nowMilliseconds: now)
        let claim = try await queue.claim(queues: ["default"], handlers: ["gone"], batch: 2, lease: .seconds(60), nowMilliseconds: now)
        #expect(Set(claim.jobs.map(\.id)) == [oldDead, newDead])
        for (job, at) in zip(claim.jobs.sorted { $0.id < $1.id }, [now - day, now - 31 * day]) {  // new-dead, old-dead
            _ = try await queue.acknowledge([.init(job: job, outcome: .dead(reason: "test"))], nowMilliseconds: at)
        }
        _ = try await queue.enqueue([oldCancelled, newCancelled].map { .items($0, count: 1, handler: "gone") }, nowMilliseconds: now)
        _ = try await queue.cancel([oldCancelled, newCancelled], nowMilliseconds: now)
        _ = try await client.send(RedisCommand("ZADD", RedisArgument(queue.keys.queue("default", .cancelled)), RedisArgument(String(now - 8 * day)), RedisArgument(oldCancelled)))
        _ = try sql(
            "INSERT INTO tick_jobs (job_id, queue, handler, fence, items_total, attempt, state, updated_at) VALUES ($1, 'default', 'gone', 1, 1, 1, 'dead', now() - interval '31 days')",
            [.text(oldDead)])

        let idle = try await tick(["run", "--queue", "default"])
        #expect(idle.summary["claimed"] as? Int == 0 && idle.summary["redis_requests"] as? Int == 1, "the sweep costs no request: \(idle.stdout)")
        let records = (
            old: (try await queue.record(of: oldDead), try await queue.record(of: oldCancelled)),
            new: (try await queue.record(of: newDead), try await queue.record(of: newCancelled))
        )
        #expect(records.old.0.isEmpty && records.old.1.isEmpty, "past their age: gone with their hash")
        #expect(!records.new.0.isEmpty && !records.new.1.isEmpty, "within their age: kept")
        let dead = try await queue.jobs(queue: "default", state: .dead, handler: nil, limit: 10, after: nil).jobs.map(\.id)
        let cancelled = try await queue.jobs(queue: "default", state: .cancelled, handler: nil, limit: 10, after: nil).jobs.map(\.id)
        #expect(dead == [newDead] && cancelled == [newCancelled], "\(dead) \(cancelled)")
        #expect(try jobRows().contains(oldDead), "the checkpoint outlives the sweep until a pruning run")

        let runner = pruningRunner(queue)
        _ = try await queue.enqueue([.items("\(p)-work", count: 1, handler: "noop")], nowMilliseconds: now)
        #expect(await runner.run(RunOptions()).jobsCompleted == 1)
        #expect(!(try jobRows()).contains(oldDead), "the orphaned checkpoint went with the pruning run")
    }
}
