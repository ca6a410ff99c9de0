import Synchronization
import Testing
import TickCore
import TickTestSupport

/// The baton runs of a drain pass so that one works its items at a time.
@Suite struct ExecutionBatonTests {
    @Test("first come first served: a second taker waits until the holder passes; passing with nobody waiting puts it down")
    func takesTurns() async {
        let baton = ExecutionBaton()
        #expect(await baton.take())
        let order = Mutex<[String]>([])
        let waiter = Task {
            let took = await baton.take()
            order.withLock { $0.append("second took") }
            baton.pass()
            return took
        }
        try? await Task.sleep(for: .milliseconds(50))
        order.withLock { $0.append("first passes") }
        baton.pass()
        #expect(await waiter.value)
        #expect(order.withLock { $0 } == ["first passes", "second took"])
        #expect(await baton.take(), "put down once nobody waits")
        baton.pass()
    }

    @Test("a waiter cancelled while it waits gives up without the baton; the holder's pass still reaches the next")
    func cancelledWaiter() async {
        let baton = ExecutionBaton()
        #expect(await baton.take())
        let cancelled = Task { await baton.take() }
        try? await Task.sleep(for: .milliseconds(20))
        let next = Task { await baton.take() }
        try? await Task.sleep(for: .milliseconds(20))
        cancelled.cancel()
        #expect(await cancelled.value == false)
        baton.pass()
        #expect(await next.value)
        baton.pass()
    }

    @Test("two runs in flight with one baton: their items never overlap, and both finish their jobs")
    func runsTakeTurns() async throws {
        let inFlight = Mutex((now: 0, most: 0))
        let fixture = RunnerFixture(handlers: [
            "step": ClosureHandler { _, _ in
                inFlight.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                try? await Task.sleep(for: .milliseconds(5))
                inFlight.withLock { $0.now -= 1 }
                return .done(result: nil)
            }
        ])
        for index in 0..<8 { _ = await fixture.enqueue("job-\(index)", handler: "step", items: 3) }
        let baton = ExecutionBaton()
        let runner = fixture.runner
        async let first = runner.run(RunnerFixture.options(batch: 4, concurrency: 2), chain: .init(baton: baton))
        async let second = runner.run(RunnerFixture.options(batch: 4, concurrency: 2), chain: .init(baton: baton))
        let (a, b) = await (first, second)
        #expect(a.report.jobsCompleted + b.report.jobsCompleted == 8)
        #expect(a.report.redisRequests == 2 && b.report.redisRequests == 2, "each run counts its own claim and acknowledgement")
        #expect(inFlight.withLock { $0.most } == 2, "never more than one run's concurrency at once")
    }
}
