import Synchronization
import Testing
import TickCore
import TickTestSupport

/// `tick cancel` meeting a run: the run learns of the request from its next checkpoint commit, starts nothing
/// more of the job, records what finished, and its lease ends cancelled: not retried, not dead-lettered.
@Suite struct CancelTests {
    @Test func aRunningJobStopsAtTheNextItemBoundaryAfterTheCommitThatLearnsOfTheCancel() async throws {
        let checkpoints = Box<InMemoryCheckpoints?>(nil)
        let started = Mutex<[Int]>([])
        let fixture = RunnerFixture(handlers: [
            "slow": ClosureHandler { input, _ in
                guard case .item(let index, _) = input else { return .done(result: nil) }
                started.withLock { $0.append(index) }
                if index == 0 { checkpoints.value?.requestCancel("c") }
                if index == 1 {
                    // Finishes only once the commit carrying item 0 was made (a loaded machine may delay it).
                    let clock = ContinuousClock()
                    let limit = clock.now.advanced(by: .seconds(20))
                    while checkpoints.value?.records ?? 0 < 1, clock.now < limit { try? await Task.sleep(for: .milliseconds(10)) }
                }
                try? await Task.sleep(for: .milliseconds(300))
                return .done(result: nil)
            }
        ])
        checkpoints.value = fixture.checkpoints
        await fixture.enqueue("c", handler: "slow", items: 6)
        let report = await fixture.runner.run(RunnerFixture.options(concurrency: 1))
        // Item 0 asks for the cancel and finishes; item 1 starts at once (its commit is still in its 50 ms
        // window), the commit learns of the cancel while item 1 runs, and item 2 never starts.
        #expect(started.withLock { $0 } == [0, 1])
        #expect(report.jobsCancelled == 1 && report.jobsCompleted == 0 && report.jobsRetried == 0 && report.jobsDead == 0, "\(report)")
        #expect(report.itemsDone == 2)
        #expect(await fixture.state("c") == .cancelled)
        let row = try #require(fixture.checkpoints.jobs["c"])
        #expect(row.state == .cancelled && row.items.count == 2, "what finished stays recorded: \(row)")
        let next = await fixture.runner.run(RunnerFixture.options())
        #expect(next.claimed == 0, "a cancelled job is never claimed again")
    }

    @Test func aJobCancelledBeforeItsRunBeganRunsNothing() async throws {
        let fixture = RunnerFixture()
        await fixture.enqueue("early", items: 3)
        fixture.checkpoints.requestCancel("early")
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.claimed == 1 && report.itemsDone == 0 && report.jobsCancelled == 1, "\(report)")
        #expect(await fixture.state("early") == .cancelled)
        #expect(fixture.checkpoints.jobs["early"]?.state == .cancelled)
    }

    @Test func aFailureOfACancelledJobIsNeitherRetriedNorDeadLettered() async throws {
        let queue = Box<InMemoryQueue?>(nil)
        let fixture = RunnerFixture(handlers: [
            "flaky": ClosureHandler { _, _ in
                await queue.value?.cancel("f")  // marked in Redis only (its PostgreSQL write failed, say)
                return .retryLater(reason: "boom", after: nil)
            }
        ])
        queue.value = fixture.queue
        await fixture.enqueue("f", handler: "flaky", items: 1, maxAttempts: 1)
        _ = await fixture.runner.run(RunnerFixture.options())
        let record = try #require(await fixture.queue.record("f"))
        #expect(record.state == .cancelled, "the acknowledgement ends a marked job cancelled whatever the run says: \(record)")
    }

    @Test func aFinishedJobStaysDoneWhenItsCancelCameTooLate() async throws {
        let checkpoints = Box<InMemoryCheckpoints?>(nil)
        let fixture = RunnerFixture(handlers: [
            "quick": ClosureHandler { _, _ in
                checkpoints.value?.requestCancel("q")
                return .done(result: nil)
            }
        ])
        checkpoints.value = fixture.checkpoints
        await fixture.enqueue("q", handler: "quick", items: 1)
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.jobsCompleted == 1 && report.jobsCancelled == 0)
        #expect(await fixture.state("q") == .done)
        #expect(fixture.checkpoints.jobs["q"]?.state == .done)
    }

    @Test func aCancelledJobWhoseRunDiedIsCancelledByTheClaimThatTakesItsLeaseBack() async throws {
        let fixture = RunnerFixture()
        await fixture.enqueue("orphan", items: 1)
        _ = try await fixture.queue.claim(
            queues: ["default"], handlers: ["noop"], batch: 1, lease: .seconds(1), nowMilliseconds: fixture.clock.unixMilliseconds, schedules: [], signals: .init(trigger: .manual),
            deadline: nil)
        #expect(await fixture.queue.cancel("orphan") == .leased)
        fixture.clock.advance(by: .seconds(5))
        let report = await fixture.runner.run(RunnerFixture.options())
        #expect(report.claimed == 0)
        #expect(await fixture.state("orphan") == .cancelled)
    }
}

/// A value set after the fixture is made (handlers are built before it).
final class Box<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
