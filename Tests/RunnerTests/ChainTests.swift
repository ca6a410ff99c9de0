import Testing
import TickCore
import TickTestSupport

/// `tick drain`'s chain: a run acknowledges its batch and claims the next run's in one request.
@Suite("Drain chain")
struct ChainTests {
    @Test("each chained run costs one request: the acknowledgement carries the next claim; the last claim finds nothing and the idle end costs none")
    func oneRequestPerRun() async throws {
        let fixture = RunnerFixture()
        for index in 0..<25 { await fixture.enqueue("job-\(index)") }
        let runner = fixture.runner
        let options = RunnerFixture.options(batch: 10)

        let (first, next1) = await runner.run(options, chain: .init(nextBatch: 10))
        #expect(first.claimed == 10 && first.jobsCompleted == 10)
        #expect(first.redisRequests == 2)  // its own claim, then acknowledgement + next claim
        let claim2 = try #require(try next1?.get())
        #expect(claim2.jobs.count == 10)

        let (second, next2) = await runner.run(options, chain: .init(claimed: claim2, nextBatch: 10))
        #expect(second.claimed == 10 && second.jobsCompleted == 10)
        #expect(second.redisRequests == 1)
        let claim3 = try #require(try next2?.get())
        #expect(claim3.jobs.count == 5)

        let (third, next3) = await runner.run(options, chain: .init(claimed: claim3, nextBatch: 10))
        #expect(third.jobsCompleted == 5 && third.redisRequests == 1)
        let empty = try #require(try next3?.get())
        #expect(empty.jobs.isEmpty)

        let (idle, none) = await runner.run(options, chain: .init(claimed: empty, nextBatch: 10))
        #expect(idle.exitReason == .idle && idle.redisRequests == 0 && none == nil)
        for index in 0..<25 { #expect(await fixture.state("job-\(index)") == .done) }
    }

    @Test("a link leaves only the run's row to its ending: the jobs are acknowledged and the report final when it returns; the ending records the row and hands the store back")
    func linkDefersTheRunsEnd() async throws {
        let fixture = RunnerFixture()
        for index in 0..<6 { await fixture.enqueue("job-\(index)") }
        let link = await fixture.runner.link(RunnerFixture.options(batch: 3), chain: .init(nextBatch: 3))
        #expect(link.report.jobsCompleted == 3 && link.report.exitReason == .completed)
        for index in 0..<3 { #expect(await fixture.state("job-\(index)") == .done) }
        let runID = try #require(link.report.runID)
        let before = fixture.checkpoints.runs[runID]
        #expect(before != nil && before! == nil, "the run's row is started, not yet finished")
        #expect(fixture.checkpoints.closes == 0)
        let ending = try #require(link.ending)
        // The next run starts (and here finishes) while the first run's end is still to be recorded.
        let next = try #require(try link.next?.get())
        let second = await fixture.runner.run(RunnerFixture.options(batch: 3), chain: .init(claimed: next))
        #expect(second.report.jobsCompleted == 3)
        await ending.run()
        #expect(fixture.checkpoints.runs[runID]??.jobsCompleted == 3)
        #expect(fixture.checkpoints.closes == 2 && fixture.checkpoints.opens == 2)
    }

    @Test("an idle link has no ending; a single run records its own end before it returns")
    func endingOnlyWhenAStoreWasOpened() async throws {
        let fixture = RunnerFixture()
        let idle = await fixture.runner.link(RunnerFixture.options(batch: 3), chain: .init(nextBatch: 3))
        #expect(idle.report.exitReason == .idle && idle.ending == nil)
        await fixture.enqueue("job-0")
        let report = await fixture.runner.run(RunnerFixture.options(batch: 3))
        let runID = try #require(report.runID)
        #expect(fixture.checkpoints.runs[runID]??.jobsCompleted == 1)
        #expect(fixture.checkpoints.closes == 1)
    }

    @Test("a run whose PostgreSQL commit failed claims nothing for a next run (a stopping drain holds no leases)")
    func noNextClaimAfterAFailure() async throws {
        let fixture = RunnerFixture()
        for index in 0..<20 { await fixture.enqueue("job-\(index)") }
        fixture.checkpoints.failRecord(at: 1, with: connectionLost)
        let (report, next) = await fixture.runner.run(RunnerFixture.options(batch: 10), chain: .init(nextBatch: 10))
        #expect(report.exitReason == .postgresUnavailable)
        #expect(next == nil)
        var leased = 0
        for index in 0..<20 where await fixture.state("job-\(index)") == .leased { leased += 1 }
        #expect(leased == 0)
    }

    @Test("a refused next claim comes back as the chain's failure, after the acknowledgement applied")
    func refusedNextClaim() async throws {
        let fixture = RunnerFixture()
        for index in 0..<5 { await fixture.enqueue("job-\(index)") }
        let runner = fixture.runner
        let (first, next1) = await runner.run(RunnerFixture.options(batch: 2), chain: .init(nextBatch: 2))
        let claim = try #require(try next1?.get())
        await fixture.queue.failClaims(with: .invalidConfiguration("refused for the test"))
        let (second, next2) = await runner.run(RunnerFixture.options(batch: 2), chain: .init(claimed: claim, nextBatch: 2))
        #expect(first.jobsCompleted == 2 && second.jobsCompleted == 2)
        guard case .failure? = next2 else {
            Issue.record("the refused claim was not reported: \(String(describing: next2))")
            return
        }
    }
}

@Suite("Batch growth")
struct BatchGrowthTests {
    private func grow(_ growth: inout BatchGrowth, claimed: Int? = nil, reason: RunExitReason = .completed, seconds: Int = 1, bytes: Int = 200, readyLeft: Int? = 10_000) {
        growth.learn(
            asked: growth.batch, claimed: claimed ?? growth.batch, reason: reason, duration: .seconds(seconds), budget: .seconds(50),
            bytesPerJob: bytes, readyLeft: readyLeft)
    }

    @Test("doubles while full claims finish quickly over a deep backlog, up to the ceiling; halves back to the floor when a run meets its budget")
    func growsAndShrinks() {
        var growth = BatchGrowth(floor: 100, ceiling: 1000)
        #expect(growth.batch == 100)
        grow(&growth)
        #expect(growth.batch == 200)
        grow(&growth)
        grow(&growth)
        grow(&growth)
        #expect(growth.batch == 1000)
        grow(&growth, reason: .budget)
        #expect(growth.batch == 500)
        for _ in 0..<5 { grow(&growth, reason: .budget) }
        #expect(growth.batch == 100)
    }

    @Test("does not grow on a partial claim, a shallow backlog, a slow run, large jobs, or when the ceiling is the floor")
    func staysPut() {
        var growth = BatchGrowth(floor: 100, ceiling: 1000)
        grow(&growth, claimed: 60)
        grow(&growth, readyLeft: 150)
        grow(&growth, readyLeft: nil)
        grow(&growth, seconds: 20)
        grow(&growth, bytes: 10_000)
        grow(&growth, reason: .interrupted)
        #expect(growth.batch == 100)
        var fixed = BatchGrowth(floor: 100, ceiling: 50)
        grow(&fixed)
        #expect(fixed.batch == 100 && fixed.ceiling == 100)
    }
}
