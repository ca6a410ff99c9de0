import Foundation
import Testing
import TickCore

/// The cost model's bandwidth and storage terms against a workload of known sizes on the real services: what runs
/// report sending and receiving (`redis_bytes_*`, request and response bodies) is what the model charges them.
@Suite("bandwidth and storage model", .serialized)
struct BandwidthTests {
    let harness: RunnerHarness

    init() throws { harness = try RunnerHarness() }

    func runner() throws -> TickRunner {
        var registry = HandlerRegistry()
        registry.register("noop", NoopHandler())
        return try harness.runner(registry)
    }

    @Test("an idle run, and a run of 10 jobs of 4 KB, send and receive what the model says, within 15%; tick stats --cost --json reports both terms")
    func bytesMatchTheModel() async throws {
        let idle = try await runner().run(RunOptions())
        let idleBytes = Double(idle.redisBytesSent + idle.redisBytesReceived)
        #expect(idle.redisRequests == 1 && abs(idleBytes - CostModel.idleRunBytes) <= CostModel.idleRunBytes * 0.15, "idle run: \(idleBytes) bytes")

        let item = JSONValue.string(String(repeating: "x", count: 4_000))
        let jobs = (0..<10).map { JobSpec(id: "\(harness.prefix)-\($0)", handler: "noop", work: .items([item])) }
        let jsonBytes = Double(jobs.map { $0.json.utf8.count }.reduce(0, +)) / 10
        _ = try await harness.queue().enqueue(jobs, nowMilliseconds: UnixTime.nowMilliseconds())
        let busy = try await runner().run(RunOptions())
        #expect(busy.jobsCompleted == 10)
        let busyBytes = Double(busy.redisBytesSent + busy.redisBytesReceived)
        let modelled = CostModel.idleRunBytes + CostModel.acknowledgementBytes + 10 * (jsonBytes * CostModel.claimedJSONFactor + CostModel.perJobBytes)
        #expect(abs(busyBytes - modelled) <= modelled * 0.15, "measured \(busyBytes) bytes, modelled \(modelled)")
        print("bandwidth: idle run \(Int(idleBytes)) bytes (model \(Int(CostModel.idleRunBytes))); 10 jobs of \(Int(jsonBytes)) B: \(Int(busyBytes)) bytes (model \(Int(modelled)))")

        let stats = try await runProcess(
            RunnerHarness.tickBinary, ["stats", "--cost", "--json", "--jobs-per-day", "1440", "--job-bytes", "4096", "--every", "1"],
            environment: harness.binaryEnvironment())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any], "\(stats.stdout)")
        let bandwidth = try #require(object["bandwidth_bytes_per_month"] as? Int)
        // 1,440 runs a day, each claiming one job of 4,096 bytes, plus one enqueue request per job.
        var model = CostModel(cadenceMinutes: 1, jobsPerDay: 1_440)
        model.jobBytes = 4_096
        #expect(bandwidth == Int64(model.bandwidthBytesPerMonth).asInt, "\(object)")
        #expect((object["storage_bytes"] as? Int) == Int64(model.storageBytes).asInt)
        #expect(object["bandwidth_free_tier_share"] is Double && object["storage_free_tier_share"] is Double)
    }
}

extension Int64 {
    fileprivate var asInt: Int { Int(self) }
}
