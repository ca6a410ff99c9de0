import Foundation
import Testing
import TickCore

/// The production topology on loopback: `tick cron --once` (the local Vercel Cron) reading a vercel.json,
/// calling a real `tick serve` against the real services. Part of the serialized "tick serve" suite, so it
/// reuses its server and queue helpers.
extension ServeTests {
    /// Runs `tick cron --once` against `server` with a vercel.json holding one cron on `path` and `schedule`.
    func cronOnce(_ server: Server, path: String = "/api/cron/tick", schedule: String, secret: String?) async throws -> CronImitatorTests.Result {
        try await CronImitatorTests().cron(
            ["--once", "--base-url", "http://127.0.0.1:\(server.port)"],
            json: #"{"crons":[{"path":"\#(path)","schedule":"\#(schedule)"}]}"#, secret: secret)
    }

    @Test("tick cron --once against tick serve: the tick runs and is recorded with trigger http and the schedule header")
    func cronOnceRunsATick() async throws {
        let id = "\(harness.prefix)-cron"
        try await enqueue([.items(id, count: 4, handler: "noop")])
        let server = try startServer([])
        defer { server.stop() }

        // A wrong CRON_SECRET: the server refuses it (401), tick cron exits 77 and nothing is claimed.
        let refused = try await cronOnce(server, schedule: "*/10 * * * *", secret: "not-\(Self.secret)")
        #expect(refused.status == 77, "\(refused.stderr)")
        #expect(refused.stderr.contains("/api/cron/tick (HTTP 401)"))
        #expect(refused.stderr.contains("the endpoint refused CRON_SECRET"))
        let untouched = try await record(id)
        #expect(untouched["state"] == "ready")
        #expect(untouched["fence"] == "0", "the refused request claimed nothing")

        let schedule = "*/10 * * * *"
        let result = try await cronOnce(server, schedule: schedule, secret: Self.secret)
        #expect(result.status == 0, "\(result.stderr)")
        let invocation = result.stderr.split(separator: "\n").filter { $0.contains("\"cron invocation\"") }
        #expect(invocation.count == 1)
        #expect(invocation.first?.contains(#""http.status":"200""#) == true)
        #expect(!result.stderr.contains(Self.secret))

        // The run was performed: the job is done and each item recorded done once.
        #expect(try await record(id)["state"] == "done")
        let items = try #require(try harness.items()[id])
        #expect(items.count == 4)
        #expect(items.values.allSatisfy { $0.state == "done" })

        // ...and recorded in tick_runs with trigger http and the x-vercel-cron-schedule header tick cron sent.
        let connection = try harness.postgres()
        defer { connection.close() }
        let rows = try connection.query(
            """
            SELECT trigger, schedule, claimed, items_done, jobs_completed, exit_reason, exit_code FROM tick_runs
            WHERE run_id IN (SELECT run_id FROM tick_items WHERE job_id = $1)
            """, [.text(id)])
        #expect(rows.count == 1, "one run did all the items")
        let row = try #require(rows.first)
        #expect(try row.string("trigger") == "http")
        #expect(try row.string("schedule") == schedule)
        #expect(try row.int("claimed") == 1)
        #expect(try row.int("items_done") == 4)
        #expect(try row.int("jobs_completed") == 1)
        #expect(try row.int("exit_code") == 0)
        #expect(try row.string("exit_reason") == "completed")
    }

    @Test("an invalid vercel.json: tick cron --once exits 78 naming Vercel's rule and sends no request to tick serve")
    func cronOnceRejectsInvalidVercelJSON() async throws {
        let id = "\(harness.prefix)-untouched"
        try await enqueue([.items(id, count: 2, handler: "noop")])
        let server = try startServer([])
        defer { server.stop() }

        let sixFields = try await cronOnce(server, schedule: "0 */5 * * * *", secret: Self.secret)
        #expect(sixFields.status == 78, "\(sixFields.stderr)")
        #expect(sixFields.stderr.contains(#"crons[0].schedule "0 */5 * * * *": Vercel requires exactly five fields"#), "\(sixFields.stderr)")

        let relative = try await cronOnce(server, path: "api/cron/tick", schedule: "* * * * *", secret: Self.secret)
        #expect(relative.status == 78, "\(relative.stderr)")
        #expect(relative.stderr.contains(#"crons[0].path "api/cron/tick": must start with "/""#), "\(relative.stderr)")

        for result in [sixFields, relative] {
            #expect(!result.stderr.contains("cron invocation"), "no invocation was attempted")
        }
        // The server saw no request: the job was never claimed and no request was logged.
        let untouched = try await record(id)
        #expect(untouched["state"] == "ready")
        #expect(untouched["fence"] == "0")
        #expect(server.stop() == 0)
        #expect(!server.log.contains("http.status="), "\(server.log)")
    }
}
