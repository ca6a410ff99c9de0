import Foundation
import Testing
import TickCore

/// Leases are absolute times written by the claiming run's clock and read by the others' clocks. A run
/// ends its work by its budget, and its lease lasts the budget plus the lease margin (30 s by default), so
/// runs whose clocks differ by less than the margin never take a live run's jobs (docs/guarantees.md).
@Suite("clock skew")
struct ClockSkewTests {
    @Test("a run whose clock is ahead by less than the lease margin does not take a live run's job; beyond it, it does, and the late acknowledgement is refused")
    func skew() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let t = UnixTime.nowMilliseconds()
        #expect(try await queue.enqueue([.items("\(harness.prefix)-j", count: 1)], nowMilliseconds: t) == [true])
        let budget: Int64 = 2_000
        let margin: Int64 = 30_000
        let a = try await queue.claim(queues: ["default"], handlers: ["h"], batch: 1, lease: .milliseconds(budget + margin), nowMilliseconds: t)
        #expect(a.jobs.count == 1)

        // Real time t + budget (run A has just finished); clocks ahead by up to the margin, less a second.
        for skew: Int64 in [0, 10_000, 25_000, margin - 1_000] {
            let b = try await queue.claim(queues: ["default"], handlers: ["h"], batch: 1, lease: .seconds(32), nowMilliseconds: t + budget + skew)
            #expect(b.jobs.isEmpty, "a clock \(skew / 1000) s ahead must not take the job")
        }
        // Ahead by more than the margin: the lease looks expired, the job is taken over (fence + 1)...
        let c = try await queue.claim(queues: ["default"], handlers: ["h"], batch: 1, lease: .seconds(32), nowMilliseconds: t + budget + margin + 1_000)
        #expect(c.jobs.map(\.id) == ["\(harness.prefix)-j"])
        #expect(c.jobs.first?.fence == (a.jobs.first?.fence ?? 0) + 1)
        // ... and run A's late acknowledgement is refused: its fence is old.
        let applied = try await queue.acknowledge([.init(job: try #require(a.jobs.first), outcome: .done)], nowMilliseconds: t + budget)
        #expect(applied == [false])
        #expect(try await queue.record(of: "\(harness.prefix)-j")["state"] == "leased", "still the new owner's")
    }
}
