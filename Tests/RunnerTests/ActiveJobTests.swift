import Testing
import TickTestSupport

@testable import TickCore

/// One claimed job's progress: what it starts next, when it is complete, how a checkpoint resumes it.
@Suite struct ActiveJobTests {
    func job(items: Int, itemConcurrency: Int = 1, work: JobSpec.Work? = nil) -> ActiveJob {
        let spec = JobSpec(id: "j", handler: "noop", work: work ?? .items((0..<items).map { .integer(Int64($0)) }), itemConcurrency: itemConcurrency)
        let claimed = JobQueue.ClaimedJob(id: "j", json: Array(spec.json.utf8), attempt: 1, fence: 1, queue: "default")
        return ActiveJob(claimed: claimed, spec: spec, entry: .init(handler: NoopHandler()))
    }

    func index(_ input: HandlerInput?) -> Int? {
        if case .item(let index, _)? = input { index } else { nil }
    }

    @Test func startsItemsInOrderSkippingThoseAlreadyDone() {
        let active = job(items: 5)
        active.resume(from: .init(doneItems: [0, 2]))
        var started: [Int] = []
        while let next = index(active.nextInput()) {
            started.append(next)
            active.done.insert(next)
        }
        #expect(started == [1, 3, 4])
        #expect(active.isComplete && !active.hasWorkToStart)
    }

    @Test func holdsItsItemConcurrency() {
        let active = job(items: 4, itemConcurrency: 2)
        #expect(index(active.nextInput()) == 0)
        active.inFlight = 1
        #expect(index(active.nextInput()) == 1)
        active.inFlight = 2
        #expect(active.nextInput() == nil, "two in flight: no third until one finishes")
        active.inFlight = 1
        #expect(index(active.nextInput()) == 2)
    }

    @Test func aCheckpointMarkedDoneCompletesTheJob() {
        let active = job(items: 3)
        active.resume(from: .init(doneItems: [], state: .done))
        #expect(active.isComplete && active.nextInput() == nil)
    }

    @Test func cursorJobResumesAtTheCheckpointedCursorOnePageAtATime() {
        let active = job(items: 0, work: .cursor("start"))
        active.resume(from: .init(doneItems: [0, 1], cursor: "c2"))
        #expect(active.nextInput() == .page(number: 2, cursor: "c2"))
        active.inFlight = 1
        #expect(active.nextInput() == nil, "pages run one at a time")
        active.inFlight = 0
        active.cursorFinished = true
        #expect(active.isComplete && active.nextInput() == nil)
    }

    @Test func theFirstVerdictStands() {
        let active = job(items: 2)
        active.stop(.dead(reason: "item 0 failed"))
        active.stop(.release)
        #expect(active.verdict == .dead(reason: "item 0 failed"))
        #expect(active.nextInput() == nil, "a stopped job starts nothing")
    }
}
