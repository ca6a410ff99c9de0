import Synchronization
import Testing
import TickCore
import TickTestSupport

/// The run's lifecycle, branch by branch, against in-memory fakes of Redis and PostgreSQL.
@Suite struct TickRunnerTests {
    @Test func idleRunIsOneRequestAndOpensNoStore() async {
        let fixture = RunnerFixture()
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.exitReason == .idle)
        #expect(report.exitCode == 0 && report.claimed == 0)
        #expect(report.redisRequests == 1)
        #expect(fixture.checkpoints.opens == 0)
        #expect(report.runID == nil)
    }

    @Test func completesEveryItemAndRecordsTheRun() async throws {
        let fixture = RunnerFixture()
        await fixture.enqueue("a", items: 3)
        await fixture.enqueue("b", items: 2)
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.exitReason == .completed && report.exitCode == 0)
        #expect(report.claimed == 2 && report.itemsDone == 5 && report.jobsCompleted == 2)
        #expect(report.redisRequests == 2, "claim + one acknowledgement")
        #expect(await fixture.state("a") == .done)
        #expect(await fixture.state("b") == .done)
        let jobs = fixture.checkpoints.jobs
        #expect(jobs["a"]?.state == .done && jobs["a"]?.items.count == 3)
        let runID = try #require(report.runID)
        #expect(fixture.checkpoints.runs[runID] == .some(report))
        #expect(fixture.checkpoints.opens == 1 && fixture.checkpoints.closes == 1)
    }

    @Test func malformedJobIsDeadLetteredWithTheReason() async throws {
        let fixture = RunnerFixture()
        await fixture.queue.enqueue(id: "broken", json: Array("{\"id\":\"broken\",".utf8), handler: "noop")
        await fixture.enqueue("fine")
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.jobsDead == 1 && report.jobsCompleted == 1)
        let broken = try #require(await fixture.queue.record("broken"))
        #expect(broken.state == .dead && broken.error?.hasPrefix("malformed job:") == true)
    }

    @Test func aJobOfAnUnknownHandlerIsNeverClaimed() async throws {
        let fixture = RunnerFixture()
        await fixture.enqueue("stranger", handler: "renamed")
        await fixture.enqueue("fine")
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.jobsCompleted == 1 && report.jobsDead == 0 && report.claimed == 1)
        #expect(report.jobsSkipped == 1)
        let stranger = try #require(await fixture.queue.record("stranger"))
        #expect(stranger.state == .ready && stranger.attempt == 0 && stranger.fence == 0, "untouched: \(stranger)")
    }

    @Test func budgetReachedMidItemHandsTheJobBackUncounted() async throws {
        let fixture = RunnerFixture(handlers: [
            "slow": ClosureHandler { input, _ in
                if case .item(let index, _) = input, index == 0 { return .done(result: nil) }
                try? await Task.sleep(for: .seconds(30))
                return .retryLater(reason: "cut off", after: nil)
            }
        ])
        await fixture.enqueue("long", handler: "slow", items: 3)
        let report = await fixture.runner.run(RunnerFixture.options(budget: .seconds(3)))
        #expect(report.exitReason == .budget && report.exitCode == 0)
        #expect(report.itemsDone == 1 && report.jobsReleased == 1 && report.jobsRetried == 0)
        let record = try #require(await fixture.queue.record("long"))
        #expect(record.state == .ready && record.attempt == 0, "released: the attempt is not counted")
        #expect(fixture.checkpoints.jobs["long"]?.state == .released)
        #expect(fixture.checkpoints.jobs["long"]?.items.keys.sorted() == [0])
    }

    @Test func cancellationInterruptsAndHandsBack() async throws {
        let fixture = RunnerFixture(handlers: [
            "wait": ClosureHandler { _, _ in
                try? await Task.sleep(for: .seconds(30))
                return .retryLater(reason: "cancelled", after: nil)
            }
        ])
        await fixture.enqueue("w", handler: "wait", items: 2)
        let runner = fixture.runner
        let task = Task { await runner.run(RunnerFixture.options()) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let report = await task.value
        #expect(report.exitReason == .interrupted && report.exitCode == 130)
        #expect(report.jobsReleased == 1)
        #expect(await fixture.state("w") == .ready)
    }

    @Test func leaseLostAtStartIsNeitherRunNorAcknowledged() async {
        let fixture = RunnerFixture()
        await fixture.enqueue("taken", items: 2)
        // A newer run already holds the job in PostgreSQL (a higher fence).
        fixture.checkpoints.seed("taken", .init(fence: 9, state: .running))
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.jobsLost == 1 && report.itemsDone == 0 && report.jobsCompleted == 0)
        #expect(await fixture.queue.acknowledgements.isEmpty)
        #expect(await fixture.state("taken") == .leased, "left to its owner")
    }

    @Test func leaseLostBeforeTheAcknowledgementCountsAsLost() async {
        let fixture = RunnerFixture()
        let queue = fixture.queue
        var registry = HandlerRegistry()
        registry.register("steal", ClosureHandler { _, context in
            await queue.takeOver(context.jobID)
            return .done(result: nil)
        })
        var run = fixture
        run.registry = registry
        await run.enqueue("s", handler: "steal")
        let report = await run.runner.run(RunnerFixture.options())
        #expect(report.jobsLost == 1 && report.jobsCompleted == 0)
        #expect(await queue.acknowledgements.map(\.applied) == [false])
    }

    @Test func transientFailureRetriesUntilTheLastAttemptThenDies() async throws {
        let fixture = RunnerFixture(handlers: ["flaky": ClosureHandler { _, _ in .retryLater(reason: "503 from upstream", after: .seconds(7)) }])
        await fixture.enqueue("r", handler: "flaky", maxAttempts: 2)
        let first = await fixture.runner.run(RunnerFixture.options())
        #expect(first.jobsRetried == 1 && first.jobsDead == 0)
        var record = try #require(await fixture.queue.record("r"))
        #expect(record.state == .delayed && record.error == "item 0: 503 from upstream")
        let due = try #require(record.runAt)
        #expect(due - fixture.clock.unixMilliseconds > 6_000, "Retry-After of 7 s is honoured")
        fixture.clock.advance(by: .seconds(8))
        let second = await fixture.runner.run(RunnerFixture.options())
        #expect(second.jobsRetried == 0 && second.jobsDead == 1)
        record = try #require(await fixture.queue.record("r"))
        #expect(record.state == .dead && record.error?.hasPrefix("attempts exhausted (2 of 2)") == true)
        #expect(fixture.checkpoints.jobs["r"]?.state == .dead)
    }

    @Test func aPermanentFailureLetsTheOtherItemsRunThenDeadLettersTheJob() async throws {
        let fixture = RunnerFixture(handlers: [
            "picky": ClosureHandler { input, _ in
                if case .item(1, _) = input { return .failed(reason: "bad input") }
                return .done(result: .string("ok"))
            }
        ])
        await fixture.enqueue("p", handler: "picky", items: 4)
        let report = await fixture.runner.run(RunnerFixture.options(concurrency: 1))
        #expect(report.jobsDead == 1 && report.itemsDone == 3 && report.itemsFailed == 1)
        let record = try #require(await fixture.queue.record("p"))
        #expect(record.error == "item 1 failed: bad input")
        #expect(fixture.checkpoints.jobs["p"]?.items.keys.sorted() == [0, 1, 2, 3])
    }

    @Test func aCrashedItemIsRetriedWithTheJobWhileTheOthersFinish() async throws {
        let attempts = Attempts()
        let fixture = RunnerFixture(handlers: [
            "crashy": ClosureHandler { input, _ in
                if case .item(1, _) = input, attempts.next() == 1 { return .retryLater(reason: "exit 1: boom", after: nil) }
                return .done(result: nil)
            }
        ])
        await fixture.enqueue("c", handler: "crashy", items: 4)
        let first = await fixture.runner.run(RunnerFixture.options(concurrency: 1))
        #expect(first.itemsDone == 3 && first.jobsRetried == 1 && first.exitReason == .completed)
        #expect(fixture.checkpoints.jobs["c"]?.items.keys.sorted() == [0, 2, 3])
        let record = try #require(await fixture.queue.record("c"))
        #expect(record.state == .delayed && record.error == "item 1: exit 1: boom")
        fixture.clock.advance(by: .seconds(3_600))
        let second = await fixture.runner.run(RunnerFixture.options(concurrency: 1))
        #expect(second.itemsDone == 1 && second.jobsCompleted == 1)
        #expect(attempts.count == 2, "item 1 ran twice, every other item once")
    }

    @Test func stopOnFailureStopsTheOtherItems() async throws {
        var fixture = RunnerFixture()
        fixture.registry.register("chain", ClosureHandler { input, _ in
            if case .item(1, _) = input { return .retryLater(reason: "upstream down", after: nil) }
            return .done(result: nil)
        }, stopOnFailure: true)
        await fixture.enqueue("s", handler: "chain", items: 4)
        let report = await fixture.runner.run(RunnerFixture.options(concurrency: 1))
        #expect(report.itemsDone == 1 && report.jobsRetried == 1)
        #expect(fixture.checkpoints.jobs["s"]?.items.keys.sorted() == [0])
    }

    @Test func aRetryAfterPausesTheJobsOtherItems() async throws {
        let fixture = RunnerFixture(handlers: [
            "limited": ClosureHandler { input, _ in
                if case .item(0, _) = input { return .retryLater(reason: "429", after: .seconds(30)) }
                return .done(result: nil)
            }
        ])
        await fixture.enqueue("r", handler: "limited", items: 3)
        let report = await fixture.runner.run(RunnerFixture.options(concurrency: 1))
        #expect(report.itemsDone == 0 && report.jobsRetried == 1, "the endpoint asked for a pause: no other item is sent")
    }

    @Test func severalFailedItemsAreAllNamed() async throws {
        let fixture = RunnerFixture(handlers: [
            "odd": ClosureHandler { input, _ in
                if case .item(let index, _) = input, index % 2 == 1 { return .retryLater(reason: "exit 1: item \(index)", after: nil) }
                return .done(result: nil)
            }
        ])
        await fixture.enqueue("o", handler: "odd", items: 4, maxAttempts: 1)
        let report = await fixture.runner.run(RunnerFixture.options(concurrency: 1))
        #expect(report.jobsDead == 1 && report.itemsDone == 2)
        let record = try #require(await fixture.queue.record("o"))
        #expect(record.error == "attempts exhausted (1 of 1): items 1, 3 failed: item 1: exit 1: item 1; item 3: exit 1: item 3")
    }

    @Test func postgresUnavailableHandsEveryJobBack() async {
        let fixture = RunnerFixture()
        await fixture.enqueue("x", items: 2)
        await fixture.enqueue("y")
        fixture.checkpoints.failOpen(with: connectionLost)
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.exitReason == .postgresUnavailable && report.exitCode == 79)
        #expect(report.jobsReleased == 2 && report.itemsDone == 0)
        #expect(await fixture.queue.record("x")?.attempt == 0)
        #expect(await fixture.state("y") == .ready)
    }

    @Test func failedCommitMidRunHandsEveryJobBack() async {
        let fixture = RunnerFixture()
        await fixture.enqueue("c", items: 3)
        fixture.checkpoints.failRecord(at: 1, with: connectionLost)
        let report = await fixture.runner.run(RunnerFixture.options(concurrency: 1))
        #expect(report.exitReason == .postgresUnavailable && report.exitCode == 79)
        #expect(report.jobsReleased == 1 && report.jobsCompleted == 0)
        #expect(await fixture.state("c") == .ready)
    }

    @Test(arguments: [
        (UpstashError.unreachable(host: "redis.test", detail: "refused", attempts: 3), RunExitReason.redisUnavailable, 69),
        (UpstashError.unauthorized(host: "redis.test"), RunExitReason.redisAuth, 77),
        (UpstashError.redis(host: "redis.test", command: "EVAL", message: "WRONGTYPE", status: 400), RunExitReason.redisError, 81),
        (UpstashError.redis(host: "redis.test", command: "EVAL", message: "TICKLAYOUT 2 1", status: 400), RunExitReason.layoutMismatch, 80),
        (UpstashError.redis(host: "redis.test", command: "EVAL", message: "ERR max daily request limit exceeded", status: 400), RunExitReason.upstashLimit, 84),
        (UpstashError.redis(host: "redis.test", command: "EVAL", message: "ERR max request size exceeded", status: 400), RunExitReason.upstashLimit, 84),
    ])
    func claimFailureEndsTheRunWithItsReason(error: UpstashError, reason: RunExitReason, code: Int) async {
        let fixture = RunnerFixture()
        await fixture.enqueue("z")
        await fixture.queue.failClaims(with: error)
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.exitReason == reason && report.exitCode == code)
        #expect(report.error == error.description)
        #expect(fixture.checkpoints.opens == 0)
    }

    @Test func failedAcknowledgementLeavesTheLeasesToExpire() async {
        let fixture = RunnerFixture()
        await fixture.enqueue("k", items: 2)
        await fixture.queue.failAcknowledgements(with: .unreachable(host: "redis.test", detail: "reset", attempts: 3))
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.exitReason == .redisUnavailable && report.exitCode == 69)
        #expect(await fixture.state("k") == .leased, "the next claim after the lease takes it back")
        #expect(fixture.checkpoints.jobs["k"]?.items.count == 2, "its items are recorded: the next run does not redo them")
    }

    @Test func resumesFromTheCheckpointWithoutRedoingItems() async {
        let fixture = RunnerFixture(handlers: [
            "count": ClosureHandler { input, _ in
                if case .item(let index, _) = input, index < 2 { Issue.record("item \(index) was done already and ran again") }
                return .done(result: nil)
            }
        ])
        await fixture.enqueue("resume", handler: "count", items: 4)
        fixture.checkpoints.seed("resume", .init(fence: 0, state: .running, items: [0: .init(state: .done), 1: .init(state: .done)]))
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.itemsDone == 2 && report.jobsCompleted == 1)
    }

    @Test func runsThatClaimedWorkPruneOnTheirCadenceIdleRunsNever() async {
        let fixture = RunnerFixture()
        var runner = fixture.runner
        runner.retention = Retention()
        runner.pruneEveryRuns = 2
        _ = await runner.run(RunnerFixture.options())
        #expect(fixture.checkpoints.prunes == 0, "idle: no store, no prune")
        for n in 0..<4 { await fixture.enqueue("j\(n)") ; _ = await runner.run(RunnerFixture.options()) }
        #expect(fixture.checkpoints.prunes == 2, "runs 2 and 4 of 4 prune")
    }

    @Test func aPruningRunRemovesTheCheckpointsOfDeadJobsRedisNoLongerHasAndKeepsTheOthers() async {
        let fixture = RunnerFixture()
        var runner = fixture.runner
        runner.retention = Retention()
        await fixture.enqueue("work")
        await fixture.enqueue("still-dead", handler: "elsewhere")  // in Redis (retried, say), not this run's to claim
        fixture.checkpoints.seed("swept", .init(fence: 1, state: .dead))
        fixture.checkpoints.seed("still-dead", .init(fence: 0, state: .dead))
        let report = await runner.run(RunnerFixture.options())
        #expect(report.jobsCompleted == 1)
        #expect(fixture.checkpoints.jobs["swept"] == nil, "its job left Redis: the checkpoint is an orphan")
        #expect(fixture.checkpoints.jobs["still-dead"]?.state == .dead, "its job is still in Redis: kept")
        #expect(report.redisRequests == 2, "the orphan check is not the run's: claim and acknowledgement")
    }

    @Test func schedulesTravelInTheClaim() async throws {
        var fixture = RunnerFixture()
        let job = JobSpec(id: "ignored", handler: "noop", work: .items([.null]))
        fixture.schedules = [Schedule(name: "nightly", expression: try CronExpression("0 2 * * *"), job: job)]
        _ = await fixture.runner.run(RunnerFixture.options())
        let sent = await fixture.queue.claimedSchedules
        #expect(sent.count == 1 && sent[0].map(\.name) == ["nightly"])
        #expect(sent[0][0].jobTemplate.contains(ScheduleSlots.idPlaceholder))
    }
}

/// Counts calls across tasks.
final class Attempts: Sendable {
    private let state = Mutex(0)
    /// The count after this call.
    func next() -> Int { state.withLock { $0 += 1; return $0 } }
    var count: Int { state.withLock { $0 } }
}
