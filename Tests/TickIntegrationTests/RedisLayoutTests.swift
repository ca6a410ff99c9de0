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
        environment = harness.binaryEnvironment()
    }

    func tick(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let output = try await runProcess(RunnerHarness.tickBinary, arguments + ["--log-format", "json"], environment: environment)
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
        let newer = QueueKeys.layoutVersion + 1
        try await setLayout(String(newer))
        let run = try await tick(["run"])
        #expect(run.status == 80, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains(#""exit_reason":"layout_mismatch""#))
        #expect(run.stderr.contains("layout \(newer), written by a newer tick") && run.stderr.contains("upgrade tick"))
        let enqueue = try await tick(["enqueue", "--handler", "noop", "--item", "1"])
        #expect(enqueue.status == 80, "\(enqueue.stderr)")
        let migrate = try await tick(["migrate"])
        #expect(migrate.status == 80 && migrate.stderr.contains("newer than this tick's \(QueueKeys.layoutVersion)"), "\(migrate.stderr)")
        let record = try await queue.record(of: "\(harness.prefix)-a")
        #expect(record["state"] == JobState.ready.rawValue && record["attempt"] == "0", "the refused claim leased nothing")
    }

    @Test("tick migrate records the version and is idempotent")
    func migrateRecordsTheVersion() async throws {
        try await setLayout(nil)
        for _ in 0..<2 {
            let migrate = try await tick(["migrate"])
            #expect(migrate.status == 0, "\(migrate.stderr)")
            #expect(migrate.stdout.contains("redis layout is current (version \(QueueKeys.layoutVersion)) under prefix \(harness.prefix)"))
        }
        let stored = try await harness.client().send(RedisCommand("GET", RedisArgument(QueueKeys(prefix: harness.prefix).layout)))
        #expect(stored.string == String(QueueKeys.layoutVersion))
        let run = try await tick(["run"])
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test("layout 1 (one ready set per queue, jobs without a handler field): refused until tick migrate moves its ready jobs to their handlers' sets; then they run")
    func upgradeFromLayoutOne() async throws {
        let client = try harness.client()
        let p = harness.prefix
        let now = UnixTime.nowMilliseconds()
        // What tick 0.x (layout 1) wrote: the job hash without `handler`, its id in P:q:default:ready.
        for n in 0..<3 {
            let id = "\(p)-old\(n)"
            let spec = JobSpec(id: id, handler: "noop", work: .items([.integer(Int64(n))])).json
            let score = String(100 * 10_000_000_000_000 + now + Int64(n))
            _ = try await client.send(RedisCommand("HSET", arguments: [
                "\(p):job:\(id)", "spec", spec, "queue", "default", "attempt", "0", "fence", "0", "score", score, "max_attempts", "5",
                "enqueued_at", String(now), "updated_at", String(now), "state", "ready",
            ].map { RedisArgument($0) }))
            _ = try await client.send(RedisCommand("ZADD", arguments: [RedisArgument("\(p):q:default:ready"), RedisArgument(score), RedisArgument(id)]))
        }
        _ = try await client.send(RedisCommand("SADD", RedisArgument("\(p):queues"), RedisArgument("default")))
        try await setLayout(nil)
        let refused = try await tick(["run"])
        #expect(refused.status == 80 && refused.stderr.contains("run `tick migrate` with this tick"), "\(refused.stderr)")
        let migrate = try await tick(["migrate"])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("applied redis layout upgrade: ready jobs by handler"))
        #expect(migrate.stdout.contains("redis layout is now version \(QueueKeys.layoutVersion) under prefix \(p) (was 1)"))
        let legacy = try await client.send(RedisCommand("EXISTS", RedisArgument("\(p):q:default:ready")))
        #expect(legacy.int == 0, "the old ready set is gone")
        let run = try await tick(["run"])
        #expect(run.status == 0 && run.stdout.contains(#""jobs_completed":3"#), "\(run.stdout) \(run.stderr)")
    }

    @Test("an older layout than the binary's asks for tick migrate")
    func olderLayoutAsksForMigrate() async throws {
        try await setLayout("0")
        let run = try await tick(["run"])
        #expect(run.status == 80)
        #expect(run.stderr.contains("run `tick migrate` with this tick"), "\(run.stderr)")
        try await setLayout(nil)
    }
}
