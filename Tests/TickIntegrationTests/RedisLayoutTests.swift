import Foundation
import Testing
import TickCore

/// The Redis key layout's version: refused when it is not this tick's, written and upgraded by `tick migrate`.
@Suite("Redis layout version", .serialized)
struct RedisLayoutTests {
    let harness: RunnerHarness
    let environment: [String: String]

    init() throws {
        harness = try RunnerHarness()
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = harness.databaseURL
        environment["TICK_PREFIX"] = harness.prefix
        environment.removeValue(forKey: "TICK_CONFIG")
        self.environment = environment
    }

    func tick(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let output = try runProcess(RunnerHarness.tickBinary, arguments + ["--log-format", "json"], environment: environment)
        return (output.status, output.stdout, output.stderr)
    }

    func setLayout(_ value: String?) async throws {
        let key = QueueKeys(prefix: harness.prefix).layout
        let command = value.map { RedisCommand("SET", RedisArgument(key), RedisArgument($0)) } ?? RedisCommand("DEL", RedisArgument(key))
        _ = try await harness.client().send(command)
    }

    @Test("a prefix in a newer layout: run, enqueue and migrate refuse with exit 80 and touch nothing")
    func newerLayoutRefused() async throws {
        let queue = try harness.queue()
        #expect(try await queue.enqueue([JobSpec(id: "\(harness.prefix)-a", handler: "noop", work: .items([.null]))], nowMilliseconds: UnixTime.nowMilliseconds()) == [true])
        try await setLayout("2")
        let run = try tick(["run"])
        #expect(run.status == 80, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains(#""exit_reason":"layout_mismatch""#))
        #expect(run.stderr.contains("layout 2, written by a newer tick") && run.stderr.contains("upgrade tick"))
        let enqueue = try tick(["enqueue", "--handler", "noop", "--item", "1"])
        #expect(enqueue.status == 80, "\(enqueue.stderr)")
        let migrate = try tick(["migrate"])
        #expect(migrate.status == 80 && migrate.stderr.contains("newer than this tick's 1"), "\(migrate.stderr)")
        let record = try await queue.record(of: "\(harness.prefix)-a")
        #expect(record["state"] == JobState.ready.rawValue && record["attempt"] == "0", "the refused claim leased nothing")
    }

    @Test("a prefix never migrated reads as layout 1; tick migrate records the version and is idempotent")
    func migrateRecordsTheVersion() async throws {
        try await setLayout(nil)
        let idle = try tick(["run"])
        #expect(idle.status == 0 && idle.stdout.contains(#""exit_reason":"idle""#), "\(idle.stderr)")
        for _ in 0..<2 {
            let migrate = try tick(["migrate"])
            #expect(migrate.status == 0, "\(migrate.stderr)")
            #expect(migrate.stdout.contains("redis layout is current (version \(QueueKeys.layoutVersion)) under prefix \(harness.prefix)"))
        }
        let stored = try await harness.client().send(RedisCommand("GET", RedisArgument(QueueKeys(prefix: harness.prefix).layout)))
        #expect(stored.string == String(QueueKeys.layoutVersion))
        let run = try tick(["run"])
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test("an older layout than the binary's asks for tick migrate")
    func olderLayoutAsksForMigrate() async throws {
        try await setLayout("0")
        let run = try tick(["run"])
        #expect(run.status == 80)
        #expect(run.stderr.contains("run `tick migrate` with this tick"), "\(run.stderr)")
        try await setLayout(nil)
    }
}
