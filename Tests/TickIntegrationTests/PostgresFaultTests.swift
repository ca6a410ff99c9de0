import Foundation
import Logging
import Synchronization
import Testing
import TickCore

/// PostgreSQL failing in the middle of a run, injected on the real server: the run's connection killed (what
/// a restart or a failover does to it), a statement timeout, and a commit refused with the disk-full error.
/// Each time the run exits 79 (postgres_unavailable) and hands its jobs back; the next run finishes them with
/// every item recorded done once and no job lost or dead.
///
/// Faults are scoped to this test's job ids (triggers that match its prefix), so parallel suites that share
/// the database are unaffected.
@Suite("PostgreSQL faults", .serialized)
struct PostgresFaultTests {
    let jobs = 4
    let itemsPerJob = 50

    /// A runner whose PostgreSQL connections carry `application_name` = `name` (so a test can find them),
    /// and whose conninfo adds `options`.
    func runner(_ harness: RunnerHarness, registry: HandlerRegistry, name: String, options: String = "") throws -> TickRunner {
        let url = harness.databaseURL + (harness.databaseURL.contains("?") ? "&" : "?") + "application_name=\(name)" + options
        var logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        return TickRunner(queue: try harness.queue(), registry: registry, logger: logger) { timeout throws(PostgresError) in
            try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(url), connectTimeout: timeout))
        }
    }

    func enqueue(_ harness: RunnerHarness) async throws {
        let specs = (0..<jobs).map { JobSpec.items("\(harness.prefix)-\($0)", count: itemsPerJob, handler: "h") }
        #expect(try await harness.queue().enqueue(specs, nowMilliseconds: UnixTime.nowMilliseconds()).allSatisfy { $0 })
    }

    /// Every item recorded done once, nothing dead, nothing left in Redis.
    func expectAllDone(_ harness: RunnerHarness, executions: Executions) async throws {
        let items = try harness.items()
        #expect(items.count == jobs)
        #expect(items.values.allSatisfy { $0.count == itemsPerJob && $0.values.allSatisfy { $0.state == "done" } })
        let stats = try await harness.queue().stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }
        #expect(stats.map { $0.ready + $0.leased + $0.delayed + $0.dead } == 0, "no job left behind or dead")
        #expect(executions.distinct == jobs * itemsPerJob)
    }

    func admin(_ harness: RunnerHarness) throws -> PostgresConnection {
        try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(harness.databaseURL)))
    }

    /// Runs until nothing is claimed; returns the reports.
    func drain(_ runner: TickRunner) async -> [RunReport] {
        var options = RunOptions()
        options.budget = .seconds(20)
        options.leaseMargin = .seconds(1)
        var reports: [RunReport] = []
        for _ in 0..<10 {
            let report = await runner.run(options)
            reports.append(report)
            if report.claimed == 0 { break }
        }
        return reports
    }

    @Test("the run's connection is killed mid-run (a restart): exit 79, jobs handed back, the next run finishes them")
    func connectionKilled() async throws {
        let harness = try RunnerHarness()
        try await enqueue(harness)
        let executions = Executions()
        let name = "tick-fault-\(harness.prefix)"
        let admin = try admin(harness)
        defer { admin.close() }
        var registry = HandlerRegistry()
        registry.register("h", ScriptedHandler { input, context in
            guard case .item(let index, _) = input else { return .failed(reason: "not an item") }
            let count = executions.record("\(context.jobID):\(index)")
            if count == 60 {
                // Like a server restart: every backend of the run goes away at once.
                _ = try? admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [.text(name)])
            }
            try? await Task.sleep(for: .milliseconds(2))
            return .done(result: nil)
        })
        var options = RunOptions()
        // Far more than the run needs (well under a second), so a stalled test machine cannot end it by its budget
        // before the fault is met.
        options.budget = .seconds(120)
        let first = try await runner(harness, registry: registry, name: name).run(options)
        #expect(first.exitCode == 79 && first.exitReason == .postgresUnavailable, "\(first.jsonLine)")
        #expect(first.jobsReleased == jobs, "every claimed job handed back in the acknowledgement")
        let rest = await drain(try runner(harness, registry: registry, name: name + "-2"))
        #expect(rest.allSatisfy { $0.exitCode == 0 })
        try await expectAllDone(harness, executions: executions)
        print("postgres-fault connection-killed: \(jobs * itemsPerJob) items, \(executions.total) executions, \(executions.total - jobs * itemsPerJob) re-run, first run: \(first.jsonLine)")
    }

    @Test("a commit slower than statement_timeout: exit 79, jobs handed back, the next run finishes them")
    func statementTimeout() async throws {
        let first = try await commitFault(
            body: "PERFORM pg_sleep(0.5);", options: "&options=-c%20statement_timeout%3D200")
        #expect(first.error?.contains("57014") == true, "\(first.error ?? "")")
    }

    @Test("a commit refused with disk_full (53100): exit 79, jobs handed back, nothing recorded twice")
    func diskFull() async throws {
        let first = try await commitFault(
            body: "RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';")
        #expect(first.error?.contains("53100") == true, "\(first.error ?? "")")
    }

    /// Makes this test's item records fail with `body` (a PL/pgSQL statement run by a trigger on its job ids),
    /// runs once, removes the fault, and checks the run handed everything back and the next runs finish it.
    /// - Returns: the failed run's report.
    func commitFault(body: String, options: String = "") async throws -> RunReport {
        let harness = try RunnerHarness()
        try await enqueue(harness)
        let admin = try admin(harness)
        defer { admin.close() }
        let trigger = "fault_\(harness.prefix)"
        try admin.query("""
            CREATE FUNCTION \(trigger)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.job_id LIKE '\(harness.prefix)-%' THEN \(body) END IF; RETURN NEW; END $$
            """)
        try admin.query("CREATE TRIGGER \(trigger) BEFORE INSERT OR UPDATE ON tick_items FOR EACH ROW EXECUTE FUNCTION \(trigger)()")
        let executions = Executions()
        var registry = HandlerRegistry()
        registry.register("h", ScriptedHandler { input, context in
            if case .item(let index, _) = input { _ = executions.record("\(context.jobID):\(index)") }
            return .done(result: nil)
        })
        let first = try await runner(harness, registry: registry, name: "tick-\(trigger)", options: options).run(RunOptions())
        try admin.query("DROP TRIGGER \(trigger) ON tick_items")
        try admin.query("DROP FUNCTION \(trigger)()")
        #expect(first.exitCode == 79 && first.exitReason == .postgresUnavailable, "\(first.jsonLine)")
        #expect(first.jobsReleased == jobs && first.jobsCompleted == 0, "every claimed job handed back")
        let rest = await drain(try runner(harness, registry: registry, name: "tick-\(trigger)-2"))
        #expect(rest.allSatisfy { $0.exitCode == 0 })
        try await expectAllDone(harness, executions: executions)
        return first
    }
}

/// Counts a handler's executions, and the distinct items executed, from concurrent tasks.
final class Executions: Sendable {
    private let state = Mutex<(total: Int, seen: Set<String>)>((0, []))

    /// Records one execution of item `key`; returns the running total.
    func record(_ key: String) -> Int {
        state.withLock { state in
            state.total += 1
            state.seen.insert(key)
            return state.total
        }
    }

    var total: Int { state.withLock { $0.total } }
    var distinct: Int { state.withLock { $0.seen.count } }
}
