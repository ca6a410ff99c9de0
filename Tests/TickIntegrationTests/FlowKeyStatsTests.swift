import Foundation
import Testing
import TickCore

/// `JobQueue.flowKeys` (`tick stats --keys`) against the real services: keyed jobs waiting, running and parked.
@Suite("flow key stats", .serialized)
struct FlowKeyStatsTests {
    let harness: RunnerHarness

    init() throws { harness = try RunnerHarness() }

    /// Jobs of `key` (a concurrency key) for handler `noop`, enqueued in order.
    func keyed(_ key: String, _ count: Int) -> [JobSpec] {
        (0..<count).map { n in
            var job = JobSpec(id: "\(harness.prefix)-\(key)-\(n)", handler: "noop", work: .items([.integer(Int64(n))]))
            job.flow = JobSpec.Flow(concurrencyKey: key)
            return job
        }
    }

    @Test("waiting and running per key, busiest first; a key at its limit is parked until its running job's lease ends")
    func countsAndParking() async throws {
        let queue = try harness.queue()
        let now = UnixTime.nowMilliseconds()
        let plain = JobSpec(id: "\(harness.prefix)-plain", handler: "noop", work: .items([.integer(1)]))
        let jobs = keyed("tenant-a", 3) + keyed("tenant-b", 2) + keyed("tenant-c", 1)
        #expect(try await queue.enqueue(jobs, nowMilliseconds: now) == Array(repeating: true, count: jobs.count))
        #expect(try await queue.enqueue([plain], nowMilliseconds: now + 1) == [true], "after the keys' turns")

        let empty = try await queue.flowKeys(limit: 20)
        #expect(empty.keys.map { "\($0.key) \($0.waiting) \($0.running)" } == ["tenant-a 3 0", "tenant-b 2 0", "tenant-c 1 0"])

        // One job per key (round robin), then a second claim meets each key at its limit of one running job.
        let signals = JobQueue.RunSignals(trigger: .manual, limits: FlowLimits(handlers: ["noop": FlowLimit(perKeyConcurrency: 1)]))
        let first = try await queue.claim(
            queues: ["default"], handlers: ["noop"], batch: 3, lease: .seconds(60), nowMilliseconds: now + 2, signals: signals)
        #expect(Set(first.jobs.map(\.id)) == ["\(harness.prefix)-tenant-a-0", "\(harness.prefix)-tenant-b-0", "\(harness.prefix)-tenant-c-0"])
        let second = try await queue.claim(
            queues: ["default"], handlers: ["noop"], batch: 3, lease: .seconds(60), nowMilliseconds: now + 3, signals: signals)
        #expect(second.jobs.map(\.id) == [plain.id], "tenant-a and tenant-b wait behind their running job")

        let found = try await queue.flowKeys(limit: 20)
        #expect(found.total == 3)
        #expect(found.keys.map { "\($0.queue) \($0.handler) \($0.key) \($0.waiting) \($0.running)" } == [
            "default noop tenant-a 2 1", "default noop tenant-b 1 1", "default noop tenant-c 0 1",
        ])
        #expect(found.keys[0].parkedUntil == now + 2 + 60_000, "parked until tenant-a's running job's lease ends")
        #expect(found.keys[1].parkedUntil == now + 2 + 60_000)
        #expect(found.keys[2].parkedUntil == nil)

        let top = try await queue.flowKeys(limit: 1)
        #expect(top.total == 3 && top.keys.map(\.key) == ["tenant-a"])
    }
}
