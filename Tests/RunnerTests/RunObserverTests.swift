import Synchronization
import Testing
import TickCore
import TickTestSupport

/// The runner's observer hook (live progress): what the run learns, told as it happens, at no extra request.
@Suite struct RunObserverTests {
    final class Recorder: Sendable {
        let events = Mutex<[RunEvent]>([])
        var observer: RunObserver { { [self] event in events.withLock { $0.append(event) } } }
    }

    @Test func claimItemsAndJobsAreToldInOrder() async {
        let fixture = RunnerFixture(handlers: ["noop": NoopHandler(), "fail": ClosureHandler { _, _ in .retryLater(reason: "not yet", after: nil) }])
        await fixture.enqueue("a", items: 3)
        await fixture.enqueue("b", handler: "fail", items: 1)
        await fixture.enqueue("c", items: 1)
        let recorder = Recorder()
        var runner = fixture.runner
        runner.observer = recorder.observer
        let report = await runner.run(RunnerFixture.options(batch: 2))
        let events = recorder.events.withLock { $0 }
        #expect(events.first == .claimed(jobs: 2, readyLeft: 1), "the claim leased a and b; c is left ready")
        let items = events.compactMap { event -> Bool? in if case .itemFinished(let failed) = event { failed } else { nil } }
        #expect(items.filter { !$0 }.count == 3 && items.filter { $0 }.count == 1)
        let jobs = events.compactMap { event -> JobOutcomeKind? in if case .jobFinished(let kind) = event { kind } else { nil } }
        #expect(jobs.sorted { $0.rawValue < $1.rawValue } == [.done, .retry])
        #expect(report.redisRequests == 2, "observing adds no request")
    }

    @Test func anIdleRunTellsOnlyItsClaim() async {
        let fixture = RunnerFixture()
        let recorder = Recorder()
        var runner = fixture.runner
        runner.observer = recorder.observer
        _ = await runner.run(RunnerFixture.options())
        #expect(recorder.events.withLock { $0 } == [.claimed(jobs: 0, readyLeft: 0)])
    }
}

