import Foundation
import Testing
import TickCore

/// What the pooler tests run and read: the `tick` binary, `tick doctor` in an empty directory, and the
/// databases over the direct connection.
extension TransactionPoolerTests {
    /// Runs the built binary with this test's environment plus `overrides`; killed after 120 s.
    func tick(_ arguments: [String], _ overrides: [String: String], stdin: String? = nil) async throws -> CLITests.Result {
        let output = try await runProcess(
            RunnerHarness.tickBinary, arguments + ["--log-format", "json"], environment: environment.merging(overrides) { $1 },
            stdin: stdin, killAfter: 120)
        return CLITests.Result(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    /// `tick doctor` in a fresh empty directory (no tick.json, no vercel.json).
    func doctor(_ overrides: [String: String]) async throws -> DoctorTests.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pooler-doctor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try await runProcess(
            RunnerHarness.tickBinary, ["doctor", "--jobs-per-day", "100"], environment: environment.merging(overrides) { $1 },
            directory: directory, killAfter: 120)
        return DoctorTests.Result(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    /// Enqueues `jobs` noop jobs of `items` items each, ids `<prefix>-<n>`, in one `tick enqueue --file -`.
    func enqueue(jobs: Int, items: Int, environment overrides: [String: String]) async throws {
        let list = (0..<items).map(String.init).joined(separator: ",")
        let lines = (0..<jobs).map { #"{"id":"\#(harness.prefix)-\#($0)","handler":"noop","items":[\#(list)]}"# }
        let enqueued = try await tick(["enqueue", "--file", "-"], overrides, stdin: lines.joined(separator: "\n"))
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        #expect(enqueued.summary["enqueued"] as? Int == jobs, "\(enqueued.stdout)")
    }

    /// Every item of this test's `jobs` jobs is recorded done in `tick_runner_test`, once (the primary key
    /// is `(job_id, item_index)`), and nothing else is.
    func expectEveryItemDone(jobs: Int, items: Int) throws {
        let recorded = try harness.items()
        #expect(recorded.count == jobs, "jobs with recorded items")
        for job in 0..<jobs {
            let rows = recorded["\(harness.prefix)-\(job)"] ?? [:]
            #expect(Set(rows.keys) == Set(0..<items), "job \(job): items recorded")
            #expect(rows.values.allSatisfy { $0.state == "done" }, "job \(job): every item done")
        }
    }

    /// Drops `database` (closing its sessions) and creates it empty, over the direct connection.
    func recreate(_ database: String) throws {
        let admin = try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(try TestEnvironment.databaseURL())))
        defer { admin.close() }
        try admin.query("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        try admin.query("CREATE DATABASE \(database)")
    }

    /// The names of the `tick_*` tables in `database`, over the direct connection.
    func tickTables(in database: String) throws -> Set<String> {
        let url = pooler.directURL(database: database)
        let connection = try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(url)))
        defer { connection.close() }
        let rows = try connection.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'tick%'")
        return Set(try rows.map { try $0.string("tablename") ?? "" })
    }
}
