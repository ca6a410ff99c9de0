import Foundation
import Testing
import TickCore

@Suite("Cost projection")
struct CostProjectionTests {
    @Test("given traffic: the figures follow CostModel's formulas, and the text says where they come from")
    func given() throws {
        // Every 5 min: 1440 / 5 = 288 runs a day, 8,640 a month. 1,000 jobs a day at batch 10 need 100 claiming
        // runs, but they arrive spread over the day: min(288, max(100, min(1000, 288))) = 288 runs claim.
        // Runs: (288 + 288) * 30 = 17,280; producers (one request per job): 1000 * 30 = 30,000; total 47,280.
        let projection = CostProjection(
            CostAssumptions(cadenceMinutes: 5, jobsPerDay: 1000, batch: 10), observed: nil, unobservedReason: "unused")
        #expect(projection.source == "given")
        #expect(projection.jobsPerDay == 1000)
        #expect(projection.model.runsPerDay == 288)
        #expect(projection.model.claimingRunsPerDay == 288)
        #expect(projection.model.commandsPerMonth == 47_280)
        #expect(projection.model.keepsUp, "288 runs * 10 = 2,880 jobs a day")
        let share = 47_280.0 / 500_000 * 100  // 9.456 %
        let dollars = 47_280.0 / 100_000 * 0.20  // $0.09456
        #expect(projection.text == """
            Upstash commands in a 30-day month (docs/cost.md)
              cadence     every 5 min: 8,640 runs, 1 command each to claim
              traffic     1,000 jobs/day (given), --batch 10: 8,640 runs claim, +1 command each to acknowledge
              producers   30,000 enqueue commands (one request per job)
              total       47,280 commands/month = \(CostProjection.format(share))% of the free tier (500K); pay-as-you-go $\(CostProjection.format(dollars))
              bandwidth   435 MB/month = 4.35% of the free tier (10 GB), jobs of 1.02 KB (--job-bytes)
              storage     715 KB = 0.28% of the free tier (256 MB): jobs waiting between runs and 24 h of finished jobs' tombstones
            """)
        // Bandwidth: runs (288 * 16,330 + 288 * 7,480) + jobs 1,000 * (1,024 * 1.4 + 80 + 1,024) + enqueues 1,000 * 5,100,
        // times 30 days. Storage: 1,000 * 5 / 1,440 waiting jobs of 2 * 1,024 + 1,400 bytes, and 1,000 tombstones of 703.
        #expect(projection.model.bandwidthBytesPerMonth == 434_846_400)
        #expect(abs(projection.model.storageBytes - (1000.0 * 5 / 1440 * 3_448 + 703_000)) < 0.001)
        #expect(CostProjection.format(share) == "9.46" && CostProjection.format(dollars) == "0.09")

        let json = try #require(try JSONSerialization.jsonObject(with: Data(projection.json.utf8)) as? [String: Any])
        #expect(json["commands_per_month"] as? Int == 47_280)
        #expect(json["run_commands_per_month"] as? Int == 17_280)
        #expect(json["enqueue_commands_per_month"] as? Int == 30_000)
        #expect(json["runs_per_month"] as? Int == 8_640)
        #expect(json["free_tier_share"] as? Double == 0.0946)
        #expect(json["jobs_per_day_source"] as? String == "given")
        #expect(json["keeps_up"] as? Bool == true)
    }

    @Test("observed traffic is used only when none is given; the source names the window in hours or days")
    func observed() {
        let open = CostAssumptions(cadenceMinutes: 1, batch: 10)
        let halfDay = RunHistory.Traffic(jobsPerDay: 48, days: 0.5, monthRedisCommands: 7)
        let hours = CostProjection(open, observed: halfDay, unobservedReason: "unused")
        #expect(hours.jobsPerDay == 48 && hours.source == "observed over 12 h in tick_runs")
        let days = CostProjection(open, observed: RunHistory.Traffic(jobsPerDay: 20, days: 3.5, monthRedisCommands: 0), unobservedReason: "unused")
        #expect(days.source == "observed over 3 days in tick_runs")
        let given = CostProjection(CostAssumptions(jobsPerDay: 5), observed: halfDay, unobservedReason: "unused")
        #expect(given.jobsPerDay == 5 && given.source == "given")
        let none = CostProjection(open, observed: nil, unobservedReason: "none given (no DATABASE_URL to observe it)")
        #expect(none.jobsPerDay == 0 && none.source == "none given (no DATABASE_URL to observe it)")
        // Idle, every minute: 1,440 claims a day, 43,200 a month = 8.64% of the free tier.
        #expect(none.text.contains("  total       43,200 commands/month = 8.64% of the free tier (500K); pay-as-you-go $0.09"))
    }

    @Test("traffic beyond what the cadence and batch can claim adds a warning line; producers' requests are named")
    func cannotKeepUp() {
        // Every 5 min with batch 1: 288 runs * 1 = 288 jobs a day at most.
        let projection = CostProjection(
            CostAssumptions(cadenceMinutes: 5, jobsPerDay: 5000, batch: 1, enqueueRequestsPerDay: 10), observed: nil, unobservedReason: "unused")
        #expect(!projection.model.keepsUp)
        #expect(projection.text.contains("  producers   300 enqueue commands (10 requests/day)"))
        #expect(projection.text.hasSuffix("  warning     5,000 jobs/day exceed what runs every 5 min with --batch 1 can claim (288/day): raise --batch"))
    }

    @Test("the defaults: every minute, batch 10, traffic observed, one enqueue request per job")
    func defaults() {
        #expect(CostAssumptions() == CostAssumptions(cadenceMinutes: 1, jobsPerDay: nil, batch: 10, enqueueRequestsPerDay: nil))
        #expect(CostProjection.group(1_234_567.4) == "1,234,567")
        #expect(CostProjection.format(0.5) == "0.5" && CostProjection.format(250.4) == "250")
    }
}
