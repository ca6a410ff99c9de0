import Foundation
import Testing
import TickCore

/// Bulk dead-letter actions by reason and age, through the `tick` binary against the real services.
@Suite("dead letters by filter", .serialized)
struct DeadFilterTests {
    let harness: RunnerHarness
    let environment: [String: String]

    init() throws {
        harness = try RunnerHarness()
        environment = harness.binaryEnvironment()
    }

    func tick(_ arguments: [String]) async throws -> ProcessOutput {
        try await runProcess(RunnerHarness.tickBinary, arguments + ["--log-format", "json"], environment: environment)
    }

    /// Dead-letters `id` in `queue` with `reason`, as if it died `ageDays` ago.
    func dead(_ id: String, queue: String, reason: String, ageDays: Int64) async throws {
        let jobs = try harness.queue()
        let now = UnixTime.nowMilliseconds()
        var spec = JobSpec.items(id, count: 1, handler: "noop")
        spec.queue = queue
        _ = try await jobs.enqueue([spec], nowMilliseconds: now)
        let claim = try await jobs.claim(queues: [queue], handlers: ["noop"], batch: 10, lease: .seconds(60), nowMilliseconds: now)
        let claimed = try #require(claim.jobs.first { $0.id == id })
        _ = try await jobs.acknowledge([.init(job: claimed, outcome: .dead(reason: reason))], nowMilliseconds: now - ageDays * 86_400_000)
    }

    @Test("a filter counts first (exit 64 without --yes) and then acts on exactly the matching jobs")
    func retryAndPurgeByFilter() async throws {
        let p = harness.prefix
        try await dead("\(p)-t-old", queue: "a", reason: "Timeout from the API", ageDays: 3)
        try await dead("\(p)-t-new", queue: "a", reason: "timeout from the API", ageDays: 0)
        try await dead("\(p)-bad", queue: "a", reason: "bad input", ageDays: 3)
        try await dead("\(p)-t-b", queue: "b", reason: "timeout", ageDays: 5)

        let preview = try await tick(["dead", "retry", "--queue", "a", "--reason-match", "TIMEOUT"])
        #expect(preview.status == 64 && preview.stdout.contains("2 dead jobs in queue a match"), "\(preview.stdout) \(preview.stderr)")
        #expect(preview.stderr.contains("add --yes to retry them"))
        #expect(try await harness.queue().record(of: "\(p)-t-old")["state"] == "dead", "a preview changes nothing")

        let retried = try await tick(["dead", "retry", "--queue", "a", "--reason-match", "timeout", "--older-than", "2d", "--yes"])
        #expect(retried.status == 0 && retried.stdout.contains("1 dead job in queue a back to ready"), "\(retried.stdout) \(retried.stderr)")
        let record = try await harness.queue().record(of: "\(p)-t-old")
        #expect(record["state"] == "ready" && record["attempt"] == "0", "\(record)")

        let purged = try await tick(["dead", "purge", "--reason-match", "timeout", "--all-queues", "--yes"])
        #expect(purged.status == 0 && purged.stdout.contains("2 dead jobs in every queue purged"), "\(purged.stdout) \(purged.stderr)")
        let gone = try await harness.queue().record(of: "\(p)-t-new")
        let goneToo = try await harness.queue().record(of: "\(p)-t-b")
        #expect(gone.isEmpty && goneToo.isEmpty)
        #expect(try await harness.queue().record(of: "\(p)-bad")["state"] == "dead", "a job that does not match stays")

        let bad = try await tick(["dead", "retry", "--older-than", "5x"])
        #expect(bad.status == 64 && bad.stderr.contains("--older-than must be a whole number followed by s, m, h or d"), "\(bad.stderr)")
        let both = try await tick(["dead", "retry", "some-id", "--reason-match", "x"])
        #expect(both.status == 64 && both.stderr.contains("one of them"), "\(both.stderr)")
    }
}
