import Foundation
import Testing
@testable import TickCore

/// The PostgreSQL layer against a real server (`TICK_TEST_DATABASE_URL`), in a schema of its own.
@Suite("PostgreSQL", .serialized)
struct PostgresTests {
    init() throws {
        try PostgresTestSupport.reset()
    }

    // MARK: Migrations

    @Test("migrations apply once; applying again applies nothing; the version is then the latest")
    func migrationsAreIdempotent() throws {
        let connection = try PostgresTestSupport.connect()
        let migrations = Migrations.tick
        #expect(try migrations.currentVersion(on: connection) == 0)
        let old = try #require(throws: PostgresError.self) { try migrations.checkVersion(on: connection) }
        #expect(old.code == .schemaTooOld)
        #expect(old.exitCode == .schemaMismatch)
        #expect(old.description.contains("run `tick migrate`"))

        let first = try migrations.apply(on: connection)
        #expect(first.map(\.version) == migrations.migrations.map(\.version))
        let second = try migrations.apply(on: connection)
        #expect(second.isEmpty)
        #expect(try migrations.currentVersion(on: connection) == migrations.latestVersion)
        try migrations.checkVersion(on: connection)

        let tables = try connection.query(
            "SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1::text[])",
            ["{tick_jobs,tick_items,tick_runs,tick_schema_migrations}"])
        #expect(try tables.first?.int("n") == 4)
        let recorded = try connection.query("SELECT version, name FROM tick_schema_migrations")
        #expect(recorded.count == migrations.migrations.count)
        #expect(Set(try recorded.compactMap { try $0.string("name") }) == Set(migrations.migrations.map(\.name)))
    }

    @Test("a schema newer than the binary is reported, and not migrated")
    func schemaTooNew() throws {
        let connection = try PostgresTestSupport.connect()
        try Migrations.tick.apply(on: connection)
        try connection.query("INSERT INTO tick_schema_migrations (version, name) VALUES ($1, $2)", [99, "future"])
        let error = try #require(throws: PostgresError.self) { try Migrations.tick.checkVersion(on: connection) }
        #expect(error.code == .schemaTooNew)
        #expect(error.exitCode == .schemaMismatch)
        #expect(error.description.contains("version 99"))
        #expect(throws: PostgresError.self) { try Migrations.tick.apply(on: connection) }
    }

    /// A claimed job of queue `q` and handler `h`.
    static func job(_ id: String, fence: Int64, items: Int = 1, attempt: Int = 1) -> CheckpointStore.JobStart {
        CheckpointStore.JobStart(id: id, queue: "q", handler: "h", fence: fence, itemsTotal: items, attempt: attempt, startCursor: nil)
    }

    /// A run starting on 2026-01-01 with a 1 s budget.
    static func run(_ trigger: RunTrigger, claimed: Int) -> CheckpointStore.RunStart {
        CheckpointStore.RunStart(trigger: trigger, schedule: nil, budgetMilliseconds: 1000, claimed: claimed, startedAtUnixMilliseconds: 1_767_225_600_000)
    }

    @Test("start records the run and takes the jobs over in one statement, as startRun then begin; with another schema version it takes nothing")
    func startInOneStatement() throws {
        let connection = try PostgresTestSupport.connect()
        try Migrations.tick.apply(on: connection)
        let store = CheckpointStore(connection: connection)
        let run = Self.run(.manual, claimed: 2)
        let jobs = [
            Self.job("a", fence: 3, items: 2),
            Self.job("b", fence: 3),
        ]
        _ = try store.begin([Self.job("b", fence: 5, attempt: 2)])
        let (runID, checkpoints) = try store.start(run, jobs: jobs)
        #expect(try connection.query("SELECT claimed FROM tick_runs WHERE run_id = $1", [.int(runID)]).first?.int("claimed") == 2)
        #expect(Set(checkpoints.keys) == ["a"], "b has a higher fence stored: another run owns it")
        #expect(try connection.query("SELECT fence FROM tick_jobs WHERE job_id = 'a'").first?.int("fence") == 3)
        #expect(try store.start(run, jobs: []).checkpoints.isEmpty, "no jobs: the run is still recorded")

        try connection.query("INSERT INTO tick_schema_migrations (version, name) VALUES ($1, $2)", [99, "future"])
        let newer = [Self.job("c", fence: 1)]
        let error = try #require(throws: PostgresError.self) { try store.start(run, jobs: newer) }
        #expect(error.code == .schemaTooNew)
        #expect(try connection.query("SELECT count(*) AS n FROM tick_jobs WHERE job_id = 'c'").first?.int("n") == 0, "nothing taken over")
    }

    @Test("a run's end and the retention batch in one statement: the row is finished, old rows go, the run's own row stays")
    func finishThenPrune() throws {
        let connection = try PostgresTestSupport.connect()
        try Migrations.tick.apply(on: connection)
        let store = CheckpointStore(connection: connection)
        let run = Self.run(.drain, claimed: 1)
        let old = try store.startRun(trigger: .cron, schedule: nil, budgetMilliseconds: 1000, claimed: 0, startedAtUnixMilliseconds: 1_700_000_000_000)
        _ = try store.begin([Self.job("done-long-ago", fence: 1)])
        try connection.query("UPDATE tick_jobs SET state = 'done', updated_at = now() - interval '30 days' WHERE job_id = 'done-long-ago'")
        let current = try store.start(run, jobs: []).runID
        var report = RunReport(trigger: .drain, startedAtUnixMilliseconds: 1_767_225_600_000, budgetMilliseconds: 1000)
        report.itemsDone = 7
        // Runs kept for 0 s: every run is old enough, yet the run being finished is kept.
        let pruned = try store.finishRun(current, report: report, thenPrune: Retention(finishedJobs: .seconds(86_400), runs: .zero), limit: 100)
        #expect(pruned.jobs == 1 && pruned.runs >= 1)
        #expect(try connection.query("SELECT count(*) AS n FROM tick_runs WHERE run_id = $1", [.int(old)]).first?.int("n") == 0)
        let row = try #require(try connection.query("SELECT items_done, finished_at IS NOT NULL AS finished FROM tick_runs WHERE run_id = $1", [.int(current)]).first)
        #expect(try row.int("items_done") == 7 && row.bool("finished") == true)
    }

    @Test("start against a database without tick's tables says run tick migrate")
    func startUnmigrated() throws {
        let connection = try PostgresTestSupport.connect()
        let run = Self.run(.manual, claimed: 0)
        let error = try #require(throws: PostgresError.self) { try CheckpointStore(connection: connection).start(run, jobs: []) }
        #expect(error.code == .schemaTooOld)
        #expect(error.description.contains("tick migrate"))
    }

    @Test("concurrent migrators serialise on the advisory lock: the migration is applied exactly once")
    func concurrentMigrators() async throws {
        let configuration = try PostgresTestSupport.configuration()
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let connection = try PostgresConnection(configuration: configuration)
                    return try Migrations.tick.apply(on: connection).count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(applied == Migrations.tick.migrations.count, "each migration applied once, by one of the two")
        let connection = try PostgresTestSupport.connect()
        #expect(try Migrations.tick.currentVersion(on: connection) == Migrations.tick.latestVersion)
    }

    // MARK: Statements

    @Test("parameters round-trip literally: quotes, unicode, NULL, integers, jsonb, SQL-looking text")
    func parameterRoundTrip() throws {
        let connection = try PostgresTestSupport.connect()
        try Migrations.tick.apply(on: connection)
        let quoted = "it's \"quoted\" \\ back\\slash — ünïcødé 🚀 日本"
        let injection = "'); drop table x; --"
        let json = #"{"text": "it's", "n": [1, 2.5, null], "emoji": "🚀"}"#
        let inserted = try connection.query(
            """
            INSERT INTO tick_items (job_id, item_index, state, result, error, fence, attempt, run_id)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)
            """,
            [.text(quoted), 0, "done", .text(json), .text(injection), .int(Int64(1) << 40), 3, nil])
        #expect(inserted.rowsAffected == 1)
        #expect(inserted.commandTag == "INSERT 0 1")

        let rows = try connection.query(
            """
            SELECT job_id, item_index, result->>'text' AS json_text, result->'n'->>1 AS json_n, error, fence,
                   attempt, run_id, run_id IS NULL AS run_id_is_null
            FROM tick_items WHERE job_id = $1
            """,
            [.text(quoted)])
        let row = try #require(rows.first)
        #expect(rows.columns.first == "job_id")
        #expect(try row.string("job_id") == quoted)
        #expect(try row.int("item_index") == 0)
        #expect(try row.string("json_text") == "it's")
        #expect(try row.string("json_n") == "2.5")
        #expect(try row.string("error") == injection)
        #expect(try row.int("fence") == 1 << 40)
        #expect(try row.int("attempt") == 3)
        #expect(try row.int("run_id") == nil)
        #expect(try row.bool("run_id_is_null") == true)

        // The SQL-looking value did nothing: the table is still there, with its one row.
        #expect(try connection.query("SELECT count(*) AS n FROM tick_items").first?.int("n") == 1)

        let typed = try connection.query(
            "SELECT $1::bool AS b, $2::float8 AS d, $3::text IS NULL AS is_null", [.bool(false), .double(0.25), nil])
        #expect(try typed.first?.bool("b") == false)
        #expect(try typed.first?.string("d") == "0.25")
        #expect(try typed.first?.bool("is_null") == true)
    }

    @Test("a fenced update affects no row when the writer's fence is older than the stored one")
    func fencedUpdate() throws {
        let connection = try PostgresTestSupport.connect()
        try Migrations.tick.apply(on: connection)
        try connection.query(
            "INSERT INTO tick_jobs (job_id, queue, handler, fence) VALUES ($1, $2, $3, $4)", ["j1", "q", "h", 5])
        let update = "UPDATE tick_jobs SET cursor = $2, fence = $3, updated_at = now() WHERE job_id = $1 AND fence <= $3"
        #expect(try connection.query(update, ["j1", "stale", 4]).rowsAffected == 0)
        #expect(try connection.query(update, ["j1", "fresh", 6]).rowsAffected == 1)
        let row = try #require(try connection.query("SELECT cursor, state, attempt FROM tick_jobs").first)
        #expect(try row.string("cursor") == "fresh")
        #expect(try row.string("state") == "running")
        #expect(try row.int("attempt") == 0)
    }

    @Test("a SQL error carries its SQLSTATE, and the connection stays usable")
    func sqlError() throws {
        let connection = try PostgresTestSupport.connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT * FROM no_such_relation_here")
        }
        #expect(error.code == .queryFailed)
        #expect(error.sqlState == "42P01")
        #expect(error.exitCode == .postgresUnavailable)
        #expect(error.description.contains("SQLSTATE 42P01"))
        #expect(error.description.contains("relation \"no_such_relation_here\" does not exist"))
        #expect(try connection.query("SELECT 1 AS one").first?.int("one") == 1)
    }

    @Test("a check constraint violation is reported with SQLSTATE 23514")
    func constraintViolation() throws {
        let connection = try PostgresTestSupport.connect()
        try Migrations.tick.apply(on: connection)
        let error = try #require(throws: PostgresError.self) {
            try connection.query(
                "INSERT INTO tick_items (job_id, item_index, state, fence, attempt) VALUES ($1, $2, $3, $4, $5)",
                ["j", 0, "running", 1, 0])
        }
        #expect(error.sqlState == "23514")
    }

    @Test("a text parameter with a NUL character is refused before it is sent")
    func nulParameter() throws {
        let connection = try PostgresTestSupport.connect()
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT $1", ["a\u{0}b"]) }
        #expect(error.code == .invalidParameter)
        #expect(error.exitCode == .dataError)
    }

    // MARK: Transactions

    struct Abort: Error {}

    @Test("a transaction is rolled back when its body throws, and the body's error is rethrown")
    func rollbackOnError() throws {
        let connection = try PostgresTestSupport.connect()
        try Migrations.tick.apply(on: connection)
        #expect(throws: Abort.self) {
            try connection.transaction { connection in
                try connection.query(
                    "INSERT INTO tick_jobs (job_id, queue, handler, fence) VALUES ($1, $2, $3, $4)", ["j", "q", "h", 1])
                throw Abort()
            }
        }
        #expect(try connection.query("SELECT count(*) AS n FROM tick_jobs").first?.int("n") == 0)

        let committed = try connection.transaction { connection in
            let inserted = try connection.query(
                "INSERT INTO tick_jobs (job_id, queue, handler, fence) VALUES ($1, $2, $3, $4)", ["j", "q", "h", 1])
            return inserted.rowsAffected
        }
        #expect(committed == 1)
        #expect(try connection.query("SELECT count(*) AS n FROM tick_jobs").first?.int("n") == 1)
    }

    @Test("a transaction whose failed statement was caught is rolled back and reported, not committed")
    func caughtStatementErrorStillFails() throws {
        let connection = try PostgresTestSupport.connect()
        try Migrations.tick.apply(on: connection)
        let error = try #require(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.query(
                    "INSERT INTO tick_jobs (job_id, queue, handler, fence) VALUES ($1, $2, $3, $4)", ["j", "q", "h", 1])
                _ = try? connection.query("SELECT * FROM no_such_relation_here")
            }
        }
        #expect(error.code == .transactionFailed)
        #expect(try connection.query("SELECT count(*) AS n FROM tick_jobs").first?.int("n") == 0)
        #expect(try connection.query("SELECT 1 AS one").first?.int("one") == 1)
    }

    @Test("a transaction's statement timeout cancels a slow statement and ends with the transaction")
    func statementTimeout() throws {
        let connection = try PostgresTestSupport.connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.transaction(statementTimeout: .milliseconds(100)) { connection in
                try connection.query("SELECT pg_sleep(2)")
            }
        }
        #expect(error.sqlState == "57014")
        #expect(try connection.query("SHOW statement_timeout").first?.string("statement_timeout") == "0")
        let inside = try connection.transaction(statementTimeout: .seconds(3)) { connection in
            try connection.query("SHOW statement_timeout").first?.string("statement_timeout")
        }
        #expect(inside == "3s")
    }

    // MARK: Connecting

    @Test("application_name is tick unless the connection string sets its own")
    func applicationName() throws {
        let connection = try PostgresTestSupport.connect()
        #expect(try connection.query("SHOW application_name").first?.string("application_name") == "tick")
        let own = try PostgresConfiguration(
            conninfo: Secret(PostgresTestSupport.url(try PostgresTestSupport.isolatedURL(), adding: "application_name", "mine")))
        let ownConnection = try PostgresConnection(configuration: own)
        #expect(try ownConnection.query("SHOW application_name").first?.string("application_name") == "mine")
        #expect(connection.serverVersion >= 120000)
        #expect(connection.endpoint.port != nil)
    }

    @Test("a wrong password fails with SQLSTATE 28P01 and a message without the password")
    func wrongPassword() throws {
        let wrong = "wrong-Pa55word-xyz"
        let url = PostgresTestSupport.url(try TestEnvironment.databaseURL(), adding: "password", wrong)
        let real = try PostgresConfiguration(conninfo: Secret(try TestEnvironment.databaseURL()))
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(url)))
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.sqlState == "28P01")
        #expect(error.exitCode == .postgresUnavailable)
        let user = real.endpoint.user ?? ""
        #expect(
            error.description
                == "PostgreSQL at \(real.endpoint.address) rejected the password for user \"\(user)\" (SQLSTATE 28P01): check DATABASE_URL"
        )
        for text in [error.description, String(reflecting: error), error.serverMessage ?? ""] {
            #expect(!text.contains(wrong))
        }
    }

    @Test("a closed loopback port fails fast with a clear message")
    func connectionRefused() throws {
        let closed = try PostgresLoopbackSocket(listening: false)  // bound, not listening: connections are refused
        let configuration = try PostgresConfiguration(
            conninfo: Secret("postgresql://tick:tick@127.0.0.1:\(closed.port)/tick_test"))
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(configuration: configuration) }
        #expect(start.duration(to: clock.now) < .seconds(1))
        #expect(error.code == .connectionFailed)
        #expect(error.exitCode == .postgresUnavailable)
        #expect(
            error.description
                == "could not reach PostgreSQL at 127.0.0.1:\(closed.port) (Connection refused): "
                + "check DATABASE_URL and that the server is up")
    }

    @Test("a server that accepts TCP but never answers fails within the connect timeout")
    func silentServer() throws {
        let silent = try PostgresLoopbackSocket(listening: true)  // the kernel accepts; nobody ever answers
        let configuration = try PostgresConfiguration(
            conninfo: Secret("postgresql://tick:tick@127.0.0.1:\(silent.port)/tick_test"), connectTimeout: .seconds(2))
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(configuration: configuration) }
        let elapsed = start.duration(to: clock.now)
        #expect(elapsed >= .milliseconds(1900))
        #expect(elapsed < .seconds(4))
        #expect(error.code == .timeout)
        #expect(error.exitCode == .postgresUnavailable)
        #expect(
            error.description
                == "could not reach PostgreSQL at 127.0.0.1:\(silent.port) within 2 s: "
                + "check DATABASE_URL and that the server is up")
    }

    @Test("the connection string's own connect_timeout wins over tick's default")
    func connectTimeoutInString() throws {
        let silent = try PostgresLoopbackSocket(listening: true)
        let configuration = try PostgresConfiguration(
            conninfo: Secret("host=127.0.0.1 port=\(silent.port) user=tick dbname=tick_test connect_timeout=2"),
            variableName: "DATABASE_URL", connectTimeout: .seconds(30))
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(configuration: configuration) }
        #expect(start.duration(to: clock.now) < .seconds(4))
        #expect(error.code == .timeout)
    }

    @Test("an invalid option value is a configuration error")
    func invalidOption() throws {
        let configuration = try PostgresConfiguration(
            conninfo: Secret("host=127.0.0.1 port=1 sslmode=bogus password=hunter2-secret"))
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(configuration: configuration) }
        #expect(error.code == .malformedConnectionString)
        #expect(error.exitCode == .config)
        #expect(error.description.contains("sslmode"))
        #expect(!error.description.contains("hunter2-secret"))
    }

    @Test("a closed connection refuses statements; closing twice is harmless")
    func closed() throws {
        let connection = try PostgresTestSupport.connect()
        #expect(connection.isOpen)
        connection.close()
        connection.close()
        #expect(!connection.isOpen)
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(error.code == .connectionClosed)
    }
}
