import Logging
import Synchronization
import Testing
import TickTestSupport

@testable import TickCore

/// The working part of a run: concurrency limits, the deadline, group commits.
@Suite struct ExecutionTests {
    /// Counts items running at once and in all.
    final class Gauge: Sendable {
        private let state = Mutex((now: 0, peak: 0, total: 0, cancelled: 0))
        func enter() { state.withLock { $0.now += 1; $0.total += 1; $0.peak = max($0.peak, $0.now) } }
        func leave(cancelled: Bool) { state.withLock { $0.now -= 1; if cancelled { $0.cancelled += 1 } } }
        var peak: Int { state.withLock { $0.peak } }
        var total: Int { state.withLock { $0.total } }
        var cancelled: Int { state.withLock { $0.cancelled } }
    }

    func handler(_ gauge: Gauge, sleep: Duration) -> ClosureHandler {
        ClosureHandler { _, _ in
            gauge.enter()
            try? await Task.sleep(for: sleep)
            gauge.leave(cancelled: Task.isCancelled)
            return .done(result: nil)
        }
    }

    func jobs(_ count: Int, items: Int, entry: HandlerRegistry.Entry, store: InMemoryCheckpoints) throws -> [ActiveJob] {
        let active = (0..<count).map { n in
            let spec = JobSpec(id: "j\(n)", handler: "h", work: .items((0..<items).map { .integer(Int64($0)) }), itemConcurrency: items)
            return ActiveJob(claimed: .init(id: "j\(n)", json: [], attempt: 1, fence: 1, queue: "default"), spec: spec, entry: entry)
        }
        _ = try store.begin(active.map(\.start))
        return active
    }

    func execution(_ jobs: [ActiveJob], store: InMemoryCheckpoints, concurrency: Int, deadline: Duration, commitBatch: Int = 500) -> Execution {
        var options = RunOptions()
        options.concurrency = concurrency
        options.commitBatch = commitBatch
        var logger = Logger(label: "execution-tests")
        logger.logLevel = .critical
        return Execution(jobs: jobs, store: store, runID: 1, options: options, deadline: .now.advanced(by: deadline), logger: logger)
    }

    @Test func aHandlersConcurrencyLimitHoldsAcrossJobs() async throws {
        let gauge = Gauge()
        let store = InMemoryCheckpoints()
        let entry = HandlerRegistry.Entry(handler: handler(gauge, sleep: .milliseconds(20)), concurrencyLimit: 2)
        var execution = execution(try jobs(3, items: 4, entry: entry, store: store), store: store, concurrency: 8, deadline: .seconds(120))
        await execution.run()
        _ = try await execution.flush(finals: [])
        #expect(gauge.total == 12 && execution.itemsDone == 12)
        #expect(gauge.peak == 2, "8 allowed by the run, 2 by the handler")
    }

    @Test func theRunsConcurrencyHolds() async throws {
        let gauge = Gauge()
        let store = InMemoryCheckpoints()
        var execution = execution(
            try jobs(4, items: 3, entry: .init(handler: handler(gauge, sleep: .milliseconds(20))), store: store), store: store, concurrency: 3, deadline: .seconds(120))
        await execution.run()
        #expect(gauge.total == 12 && gauge.peak == 3)
        #expect(!execution.stoppedEarly)
    }

    @Test func noItemStartsThatTheTimeLeftCannotFit() async throws {
        let gauge = Gauge()
        let store = InMemoryCheckpoints()
        let jobs = try jobs(1, items: 10, entry: .init(handler: handler(gauge, sleep: .milliseconds(700))), store: store)
        var execution = execution(jobs, store: store, concurrency: 1, deadline: .milliseconds(2_000))
        await execution.run()
        #expect(execution.stoppedEarly)
        // Each item takes at least 700 ms, so the estimate (with its 20% margin) rules out a third start
        // (≥ 1,400 ms + 840 ms > 2,000 ms) however slow the machine is; without the estimate all ten would start.
        #expect(gauge.total >= 1 && gauge.total <= 2, "700 ms items in a 2 s window: at most two fit, \(gauge.total) started")
        #expect(jobs[0].verdict == .release)
    }

    @Test func finishedItemsAreGroupCommitted() async throws {
        let gauge = Gauge()
        let store = InMemoryCheckpoints()
        let jobs = try jobs(1, items: 6, entry: .init(handler: handler(gauge, sleep: .zero)), store: store)
        var execution = execution(jobs, store: store, concurrency: 1, deadline: .seconds(120), commitBatch: 2)
        await execution.run()
        _ = try await execution.flush(finals: [])
        #expect(store.jobs["j0"]?.items.count == 6)
        #expect(store.records >= 3 && store.records < 6, "6 items in commits of 2 (or fewer, by the timer): \(store.records) commits")
    }
}
