import Foundation
import Testing
import TickCore

/// What finished jobs leave in Redis (issue 22), against the real redis-server: a done job keeps a tombstone for
/// the dedup window, not its payload; a dead one keeps its payload for a retry.
@Suite("Redis footprint", .serialized)
struct FootprintTests {
    let harness: RunnerHarness

    init() throws { harness = try RunnerHarness() }

    /// Bytes Redis uses for every key under the test's prefix (`MEMORY USAGE … SAMPLES 0` of each, found with `SCAN`):
    /// every field counted, since the default samples five of a hash's fields and extrapolates, which misses the spec.
    func memory(_ client: UpstashClient) async throws -> Int {
        var cursor = "0"
        var keys: [String] = []
        repeat {
            let reply = try await client.send(RedisCommand("SCAN", RedisArgument(cursor), "MATCH", RedisArgument("\(harness.prefix):*"), "COUNT", "1000"))
            cursor = reply.array?.first?.string ?? "0"
            keys += (reply.array?.last?.array ?? []).compactMap(\.string)
        } while cursor != "0"
        var total = 0
        for chunk in stride(from: 0, to: keys.count, by: 200) {
            let commands = keys[chunk..<min(chunk + 200, keys.count)].map { RedisCommand("MEMORY", "USAGE", RedisArgument($0), "SAMPLES", "0") }
            total += try await client.pipeline(commands).reduce(0) { $0 + ($1.int ?? 0) }
        }
        return total
    }

    @Test("1,000 jobs of 10 KB drained leave at most 10% of their memory; a finished id is still a duplicate; a dead job retries with its payload")
    func finishedJobsShedTheirPayload() async throws {
        let client = try harness.client()
        let queue = try harness.queue()
        let payload = JSONValue.string(String(repeating: "x", count: 10_000))
        let jobs = (0..<1_000).map { JobSpec(id: "\(harness.prefix)-\($0)", handler: "noop", work: .items([payload])) }
        for chunk in stride(from: 0, to: jobs.count, by: 100) {
            _ = try await queue.enqueue(Array(jobs[chunk..<chunk + 100]), nowMilliseconds: UnixTime.nowMilliseconds())
        }
        let queued = try await memory(client)
        var registry = HandlerRegistry()
        registry.register("noop", NoopHandler())
        var options = RunOptions()
        options.batch = 1_000
        let reports = await harness.drain(try harness.runner(registry), options: options)
        #expect(reports.reduce(0) { $0 + $1.jobsCompleted } == 1_000)
        let finished = try await memory(client)
        print("footprint: 1,000 jobs of 10 KB: \(queued) bytes queued, \(finished) bytes once done (\(finished * 100 / max(queued, 1))%)")
        #expect(finished * 10 <= queued, "\(finished) bytes left of \(queued)")
        #expect(try await queue.enqueue([jobs[0]], nowMilliseconds: UnixTime.nowMilliseconds()) == [false], "still a duplicate inside the window")
        let tombstone = try await queue.record(of: jobs[0].id)
        #expect(tombstone["state"] == "done" && tombstone["spec"] == nil && tombstone["handler"] == "noop", "\(tombstone)")
        #expect(Int(tombstone["spec_bytes"] ?? "") ?? 0 > 10_000)

        // A dead job keeps its payload: a retry runs it with the same item.
        let doomed = JobSpec(id: "\(harness.prefix)-dead", handler: "gone", work: .items([payload]))
        _ = try await queue.enqueue([doomed], nowMilliseconds: UnixTime.nowMilliseconds())
        let claim = try await queue.claim(queues: ["default"], handlers: ["gone"], batch: 1, lease: .seconds(60), nowMilliseconds: UnixTime.nowMilliseconds())
        _ = try await queue.acknowledge(claim.jobs.map { .init(job: $0, outcome: .dead(reason: "test")) }, nowMilliseconds: UnixTime.nowMilliseconds())
        #expect(try await queue.retryDead(queue: "default", ids: [doomed.id]) == 1)
        let again = try await queue.claim(queues: ["default"], handlers: ["gone"], batch: 1, lease: .seconds(60), nowMilliseconds: UnixTime.nowMilliseconds())
        let spec = try JobSpec(json: try #require(again.jobs.first).json)
        #expect(spec.work == .items([payload]))
    }
}
