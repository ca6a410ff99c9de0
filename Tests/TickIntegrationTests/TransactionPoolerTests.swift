import Foundation
import Testing
import TickCore

/// The `tick` binary through PgBouncer in transaction mode on 127.0.0.1:6543, the way Supabase's pooler is
/// used: `tick migrate` refuses it without `DATABASE_URL_DIRECT`; runs, concurrent runs sharing 2 server
/// connections, and `tick doctor` work through it. Each test starts its own `pgbouncer` and stops it.
@Suite("tick through a transaction pooler (pgbouncer)", .serialized)
struct TransactionPoolerTests {
    /// The runner tests' database (RunnerHarness creates and migrates it).
    static let runnerDatabase = "tick_runner_test"
    /// A database of this suite's own, recreated empty by the migrate test.
    static let freshDatabase = "tick_pooler_test"

    let harness: RunnerHarness
    let pooler: PgBouncerConfiguration
    let environment: [String: String]

    init() throws {
        harness = try RunnerHarness()
        pooler = try PgBouncerConfiguration(directURL: try TestEnvironment.databaseURL())
        var environment = ProcessInfo.processInfo.environment
        environment["TICK_PREFIX"] = harness.prefix
        for name in ["TICK_CONFIG", "DATABASE_URL", "DATABASE_URL_DIRECT", "CRON_SECRET"] { environment.removeValue(forKey: name) }
        self.environment = environment
    }

    @Test("tick migrate refuses the pooler without DATABASE_URL_DIRECT (exit 78, nothing created), then migrates through it")
    func migrateNeedsTheDirectURL() async throws {
        let database = Self.freshDatabase
        try recreate(database)
        let bouncer = try PgBouncer.start(pooler)
        defer { bouncer.stop() }
        let pooled = ["DATABASE_URL": pooler.pooledURL(database: database)]

        let refused = try await tick(["migrate"], pooled)
        #expect(refused.status == TickExitCode.config.rawValue, "\(refused.stderr)")
        #expect(refused.stderr.contains("DATABASE_URL points at a transaction pooler (port 6543)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("set DATABASE_URL_DIRECT to the direct connection"), "\(refused.stderr)")
        #expect(try tickTables(in: database).isEmpty, "the refusal created nothing")

        let direct = pooler.directURL(database: database)
        let migrated = try await tick(["migrate"], pooled.merging(["DATABASE_URL_DIRECT": direct]) { $1 })
        let upstream = "\(pooler.upstream.host):\(pooler.upstream.port)/\(database)"
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stderr.contains("migrating through DATABASE_URL_DIRECT (\(upstream)) because DATABASE_URL points at a transaction pooler (127.0.0.1:6543)"), "\(migrated.stderr)")
        #expect(migrated.stdout.contains("schema is now version \(Migrations.tick.latestVersion) at \(upstream)"), "\(migrated.stdout)")
        #expect(try tickTables(in: database).isSuperset(of: ["tick_jobs", "tick_items", "tick_runs"]))
        #expect(bouncer.clientLogins(database: database) == 0, "migrate never connected through the pooler")

        // The freshly migrated database serves runs through the pooler.
        try await enqueue(jobs: 2, items: 5, environment: pooled)
        let drained = try await tick(["drain"], pooled)
        #expect(drained.status == 0, "\(drained.stderr)")
        #expect(drained.summary["items_done"] as? Int == 10, "\(drained.stdout)")
        #expect(bouncer.clientLogins(database: database) >= 1, "the run connected through the pooler")
    }

    @Test("tick run and tick drain through the pooler: every job completes, every item recorded once, exit 0")
    func runsThroughThePooler() async throws {
        let bouncer = try PgBouncer.start(pooler)
        defer { bouncer.stop() }
        let pooled = ["DATABASE_URL": pooler.pooledURL(database: Self.runnerDatabase)]
        for index in 0..<6 {
            let enqueued = try await tick(["enqueue", "--handler", "noop", "--items", "50", "--id", "\(harness.prefix)-\(index)"], pooled)
            #expect(enqueued.status == 0, "\(enqueued.stderr)")
        }
        let run = try await tick(["run", "--batch", "2"], pooled)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.summary["jobs_completed"] as? Int == 2, "\(run.stdout)")
        let drained = try await tick(["drain", "--batch", "2"], pooled)
        #expect(drained.status == 0, "\(drained.stderr)")
        #expect(drained.summary["jobs_completed"] as? Int == 4, "\(drained.stdout)")
        #expect(drained.summary["stop_reason"] as? String == "empty")
        let done = [run, drained].compactMap { $0.summary["items_done"] as? Int }.reduce(0, +)
        #expect(done == 300, "each of the 300 items ran once")
        try expectEveryItemDone(jobs: 6, items: 50)
        #expect(bouncer.clientLogins(database: Self.runnerDatabase) >= 2, "both runs connected through the pooler")
    }

    @Test("four tick drain processes at once through a pool of 2 server connections: every item recorded exactly once")
    func concurrentRunsShareThePool() async throws {
        let bouncer = try PgBouncer.start(pooler)
        defer { bouncer.stop() }
        let database = Self.runnerDatabase
        let pooled = environment.merging(["DATABASE_URL": pooler.pooledURL(database: database)]) { $1 }
        try await enqueue(jobs: 40, items: 25, environment: pooled)
        let outputs = await runConcurrently(4) { _ in
            try runProcessBlocking(RunnerHarness.tickBinary, ["drain", "--batch", "3", "--log-format", "json"], environment: pooled, killAfter: 120)
        }
        var completed = 0
        var done = 0
        for outcome in outputs {
            let output = try outcome.get()
            let result = CLITests.Result(status: output.status, stdout: output.stdout, stderr: output.stderr)
            #expect(result.status == 0, "\(result.stderr)")
            completed += result.summary["jobs_completed"] as? Int ?? 0
            done += result.summary["items_done"] as? Int ?? 0
        }
        #expect(completed == 40)
        #expect(done == 1000, "each of the 1,000 items ran once")
        try expectEveryItemDone(jobs: 40, items: 25)
        #expect(bouncer.clientLogins(database: database) >= 4, "every process connected through the pooler")
        #expect(bouncer.serverConnections(database: database) <= pooler.poolSize, "the clients shared at most \(pooler.poolSize) server connections")
    }

    @Test("tick doctor through the pooler: postgres.pooler explains it; without DATABASE_URL_DIRECT a warning names it")
    func doctorReportsThePooler() async throws {
        let bouncer = try PgBouncer.start(pooler)
        defer { bouncer.stop() }
        let pooled = ["DATABASE_URL": pooler.pooledURL(database: Self.runnerDatabase)]

        let warned = try await doctor(pooled)
        #expect(warned.status == 0, "warnings alone exit 0: \(warned.stdout)\n\(warned.stderr)")
        #expect(warned.line("env.database_url")?.contains("127.0.0.1:6543/\(Self.runnerDatabase) as user \"\(pooler.upstream.user)\" (a transaction pooler)") == true)
        #expect(warned.status(of: "env.database_url_direct") == "warning", "\(warned.stdout)")
        #expect(warned.line("env.database_url_direct")?.contains("set DATABASE_URL_DIRECT to the direct connection") == true)
        #expect(warned.line("env.database_url_direct")?.contains("runs work through the pooler, but tick migrate refuses until then") == true)
        #expect(warned.status(of: "postgres.connect") == "ok", "\(warned.stdout)")
        #expect(warned.status(of: "postgres.schema") == "ok", "\(warned.stdout)")
        #expect(warned.status(of: "postgres.pooler") == "ok", "\(warned.stdout)")
        #expect(warned.line("postgres.pooler")?.contains("DATABASE_URL is a transaction pooler (127.0.0.1:6543): fine for runs") == true)
        #expect(warned.line("postgres.direct") == nil, "no direct connection to check")
        // A Bool first, so that a failure cannot print the credentials it looked for.
        let credentialsShown = (warned.stdout + warned.stderr).contains("\(pooler.upstream.user):\(pooler.upstream.password)@")
        #expect(!credentialsShown, "the connection strings' credentials are never printed")

        let direct = pooled.merging(["DATABASE_URL_DIRECT": pooler.directURL(database: Self.runnerDatabase)]) { $1 }
        let checked = try await doctor(direct)
        #expect(checked.status == 0, "\(checked.stdout)\n\(checked.stderr)")
        #expect(checked.status(of: "env.database_url_direct") == "ok", "\(checked.stdout)")
        #expect(checked.status(of: "postgres.pooler") == "ok")
        #expect(checked.status(of: "postgres.direct") == "ok", "\(checked.stdout)")
        #expect(bouncer.clientLogins(database: Self.runnerDatabase) >= 2, "doctor connected through the pooler")
    }
}
