import Synchronization
import Testing
import TickCore
import TickTestSupport

/// Progress reported within an item reaches the checkpoint store with the run's group commits: coalesced to at
/// most one write per job per commit window, moving forward, without waiting for the item to finish.
@Suite struct ProgressTests {
    @Test func aChattyHandlerCostsAtMostOneWritePerCommitWindow() async throws {
        let fixture = RunnerFixture(handlers: [
            "long": ClosureHandler { _, context in
                for step in 1...100 {
                    context.progress.report(completed: step, total: 100, message: "step \(step) of 100")
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return .done(result: .object(["url": .string("https://example.com/out")]))
            }
        ])
        await fixture.enqueue("long-1", handler: "long", items: 1)
        let started = ContinuousClock.now
        let report = await fixture.runner.run(RunnerFixture.options())
        let elapsed = started.duration(to: .now)
        #expect(report.jobsCompleted == 1)
        let row = try #require(fixture.checkpoints.jobs["long-1"])
        let windows = Int(elapsed.milliseconds / 50) + 2
        #expect(row.progress.count >= 2 && row.progress.count <= windows, "\(row.progress.count) writes in \(elapsed) (commit window 50 ms)")
        #expect(row.progress == row.progress.sorted(), "progress only moves forward: \(row.progress)")
        #expect(row.progress.last == 1, "the finished item counts whole")
        #expect(row.progress.dropLast().contains { $0 > 0 && $0 < 1 }, "reported while the item ran: \(row.progress)")
    }

    @Test func itemsDoneMoveAnItemsJobsProgressWithoutReports() async throws {
        let fixture = RunnerFixture()
        await fixture.enqueue("plain", items: 4)
        _ = await fixture.runner.run(RunnerFixture.options(concurrency: 1))
        let row = try #require(fixture.checkpoints.jobs["plain"])
        #expect(row.progress.last == 1 && row.progress == row.progress.sorted(), "\(row.progress)")
    }
}
