import Foundation
import Testing
import TickCore

/// `tick runs` against the real services: runs recorded by `tick run` and `tick drain` plus rows inserted by
/// hand (a failed run, a run in progress with an unknown trigger, an old run), in a database of the test's own
/// so that runs other tests record at the same time cannot change the totals.
@Suite("tick runs")
struct RunsCommandTests {
    let harness: RunnerHarness
    let database: ScratchDatabase
    let environment: [String: String]

    init() throws {
        harness = try RunnerHarness()
        database = try ScratchDatabase(prefix: harness.prefix)
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.url
        environment["TICK_PREFIX"] = harness.prefix
        environment.removeValue(forKey: "TICK_CONFIG")
        self.environment = environment
    }

    func tick(_ arguments: [String]) async throws -> ProcessOutput {
        try await runProcess(RunnerHarness.tickBinary, arguments + ["--log-format", "json"], environment: environment)
    }

    /// `tick runs --json … ` parsed: the runs and the total object.
    func listing(_ arguments: [String]) async throws -> (runs: [[String: Any]], total: [String: Any]) {
        let output = try await tick(["runs", "--json"] + arguments)
        #expect(output.status == 0, "\(arguments): \(output.stderr)")
        let object = (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8))) as? [String: Any] ?? [:]
        return (object["runs"] as? [[String: Any]] ?? [], object["total"] as? [String: Any] ?? [:])
    }

    @Test("runs newest first with totals over the filter; --since, --trigger, --failed, --limit; JSON and table; usage and schema errors")
    func runs() async throws {
        defer { database.drop() }
        let unmigrated = try await tick(["runs"])
        #expect(unmigrated.status == 80 && unmigrated.stderr.contains("tick migrate"), "\(unmigrated.stderr)")
        #expect(!unmigrated.stderr.contains(database.url) && !unmigrated.stdout.contains(database.url))
        try database.migrate()
        let runID = try await seed()

        let all = try await listing([])
        #expect(all.runs.count == 6)
        #expect(all.runs.map { $0["trigger"] as? String } == ["drain", "drain", "cron", "webhook", "cron", "manual"])
        #expect(all.runs[2]["run_id"] as? Int == runID && all.runs[2]["items_done"] as? Int == 6)
        #expect(all.runs[2]["jobs_completed"] as? Int == 2 && all.runs[2]["exit_reason"] as? String == "completed")
        #expect(all.runs[2]["exit_code"] as? Int == 0 && (all.runs[2]["redis_commands"] as? Int ?? 0) > 0)
        #expect(all.runs[3]["running"] as? Bool == true && all.runs[3]["duration_ms"] is NSNull && all.runs[3]["exit_code"] is NSNull)
        #expect(all.runs[4]["duration_ms"] as? Int == 1500 && all.runs[5]["exit_reason"] as? String == "vanished")
        #expect((all.runs[5]["started_at"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
        #expect(all.total["runs"] as? Int == 6 && all.total["items_done"] as? Int == 6 + 9 + 40)
        #expect(all.total["items_failed"] as? Int == 2 && all.total["jobs_completed"] as? Int == 2 + 3 + 4)
        #expect(all.total["jobs_dead"] as? Int == 1)
        let commands = all.runs.compactMap { $0["redis_commands"] as? Int }.reduce(0, +)
        #expect(all.total["redis_commands"] as? Int == commands)

        let recent = try await listing(["--since", "1h"])
        #expect(recent.runs.count == 5 && recent.total["runs"] as? Int == 5 && recent.total["items_done"] as? Int == 15)
        let drains = try await listing(["--trigger", "drain"])
        #expect(drains.runs.count == 2 && drains.total["items_done"] as? Int == 9 && drains.total["jobs_completed"] as? Int == 3)
        let failed = try await listing(["--failed"])
        #expect(failed.runs.count == 1 && failed.runs.first?["exit_code"] as? Int == 79 && failed.total["runs"] as? Int == 1)
        let page = try await listing(["--limit", "1"])
        #expect(page.runs.count == 1 && page.runs.first?["trigger"] as? String == "drain")
        #expect(page.total["runs"] as? Int == 6, "the totals cover every match, not just the page")

        let table = try await tick(["runs"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 8 && lines.first?.contains("started (UTC)") == true, "\(table.stdout)")
        #expect(lines.contains { $0.contains("webhook") && $0.contains("running") }, "\(table.stdout)")
        #expect(lines.contains { $0.contains("postgres_unavailable (79)") && $0.contains("1.5s") }, "\(table.stdout)")
        #expect(lines.last == "total: 6 runs, 55 items done, 2 items failed, 9 jobs completed, 1 dead, \(commands) Redis commands (last 24h)")
    }

    @Test("bad flags exit 64 with one message naming the flag and the form")
    func usage() async throws {
        defer { database.drop() }
        let since = try await tick(["runs", "--since", "5x"])
        #expect(since.status == 64 && since.stderr.contains("--since must be a whole number followed by s, m, h or d"), "\(since.stderr)")
        let tooLong = try await tick(["runs", "--since", "401d"])
        #expect(tooLong.status == 64 && tooLong.stderr.contains("--since must be from 1s to 400d"), "\(tooLong.stderr)")
        let limit = try await tick(["runs", "--limit", "0"])
        #expect(limit.status == 64 && limit.stderr.contains("--limit must be a whole number from 1 to 1000"), "\(limit.stderr)")
        let trigger = try await tick(["runs", "--trigger", "webhook"])
        #expect(trigger.status == 64 && trigger.stderr.contains("--trigger"), "\(trigger.stderr)")
    }

    /// Records 1 `tick run` (2 jobs × 3 items), 2 `tick drain` runs (3 jobs × 3 items, batch 2) and 3 rows by
    /// hand; returns the `tick run`'s id.
    func seed() async throws -> Int {
        let p = harness.prefix
        for job in ["a", "b"] {
            await #expect(try tick(["enqueue", "--handler", "noop", "--items", "3", "--id", "\(p)-\(job)"]).status == 0)
        }
        let run = try await tick(["run"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        for job in ["c", "d", "e"] {
            await #expect(try tick(["enqueue", "--handler", "noop", "--items", "3", "--id", "\(p)-\(job)"]).status == 0)
        }
        let drain = try await tick(["drain", "--batch", "2"])
        #expect(drain.status == 0, "\(drain.stderr)")
        let connection = try database.connect()
        defer { connection.close() }
        try connection.query(
            """
            INSERT INTO tick_runs (trigger, started_at, finished_at, budget_ms, claimed, items_done, items_failed, jobs_completed,
              jobs_dead, redis_requests, redis_commands, exit_reason, exit_code) VALUES
            ('cron', now() - interval '5 minutes', now() - interval '5 minutes' + interval '1500 milliseconds', 50000, 1, 0, 2, 0, 1, 3, 7,
             'postgres_unavailable', 79),
            ('webhook', now() - interval '1 minute', NULL, 50000, 1, 0, 0, 0, 0, 1, 3, NULL, NULL),
            ('manual', now() - interval '3 hours', now() - interval '3 hours' + interval '2 seconds', 50000, 4, 40, 0, 4, 0, 2, 10, 'vanished', 0)
            """)
        return summary["run_id"] as? Int ?? -1
    }
}
