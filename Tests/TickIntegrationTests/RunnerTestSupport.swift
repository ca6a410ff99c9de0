import Foundation
import Logging
import Testing
import TickCore

/// Shared set-up for the runner's integration tests: a database of their own (so the PostgreSQL suite's
/// table drops cannot race them), a unique key prefix per test, and runners built like the CLI builds them.
struct RunnerHarness {
    let prefix: String
    let databaseURL: String
    let restURL: String
    let token: String

    init() throws {
        restURL = try TestEnvironment.restURL()
        token = try TestEnvironment.restToken()
        let base = try TestEnvironment.databaseURL()
        databaseURL = try Self.ensureDatabase(base: base)
        prefix = "t\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Creates `tick_runner_test` beside the test database once, and migrates it.
    static func ensureDatabase(base: String) throws -> String {
        let name = "tick_runner_test"
        guard let slash = base.lastIndex(of: "/") else { return base }
        let url = String(base[..<slash]) + "/" + name
        let admin = try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(base)))
        defer { admin.close() }
        if try admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [.text(name)]).isEmpty {
            do { try admin.query("CREATE DATABASE tick_runner_test") } catch {
                // 42P04 or 23505: a parallel suite created it meanwhile.
                if error.sqlState != "42P04", error.sqlState != "23505" { throw error }
            }
        }
        let connection = try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(url)))
        defer { connection.close() }
        try Migrations.tick.apply(on: connection)
        return url
    }

    func client() throws -> UpstashClient {
        try UpstashClient(configuration: UpstashConfiguration(url: restURL, token: Secret(token)))
    }

    func queue() throws -> JobQueue { JobQueue(client: try client(), prefix: prefix) }

    func postgres() throws -> PostgresConnection {
        try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(databaseURL)))
    }

    /// A runner over this test's queue, or over `queue` (a client of another gateway, for instance).
    func runner(_ registry: HandlerRegistry, queue: JobQueue? = nil) throws -> TickRunner {
        let url = databaseURL
        var logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        return TickRunner(queue: try queue ?? self.queue(), registry: registry, logger: logger) { timeout throws(PostgresError) in
            try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(url), connectTimeout: timeout))
        }
    }

    /// The environment to run the `tick` binary with: this process's, with this test's database and prefix and
    /// no `TICK_CONFIG` (and without `removing`).
    func binaryEnvironment(removing: [String] = []) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["TICK_PREFIX"] = prefix
        for name in ["TICK_CONFIG"] + removing { environment.removeValue(forKey: name) }
        return environment
    }

    /// Item records of this test's jobs: (job id, index) → (fence, result JSON text).
    func items() throws -> [String: [Int: (fence: Int, result: String?, state: String)]] {
        let connection = try postgres()
        defer { connection.close() }
        var out: [String: [Int: (fence: Int, result: String?, state: String)]] = [:]
        for row in try connection.query(
            "SELECT job_id, item_index, fence, result::text AS result, state FROM tick_items WHERE job_id LIKE $1", [.text(prefix + "%")])
        {
            let id = try row.string("job_id") ?? ""
            out[id, default: [:]][try row.int("item_index") ?? -1] = (try row.int("fence") ?? 0, try row.string("result"), try row.string("state") ?? "")
        }
        return out
    }

    /// Runs until no run claims anything (at most `limit` runs); returns the reports.
    func drain(_ runner: TickRunner, options: RunOptions, limit: Int = 100) async -> [RunReport] {
        var reports: [RunReport] = []
        for _ in 0..<limit {
            let report = await runner.run(options)
            reports.append(report)
            if report.claimed == 0 { break }
        }
        return reports
    }

    /// The path of the built `tick` binary, beside the test bundle.
    static var tickBinary: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("tick").path
    }
}

/// A handler whose behaviour a test scripts, item by item.
struct ScriptedHandler: JobHandler {
    let body: @Sendable (HandlerInput, HandlerContext) async -> HandlerOutcome
    func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome { await body(input, context) }
}

extension JobSpec {
    static func items(_ id: String, count: Int, handler: String = "h", maxAttempts: Int = 5) -> JobSpec {
        JobSpec(id: id, handler: handler, work: .items((0..<count).map { .integer(Int64($0)) }), maxAttempts: maxAttempts)
    }
}
