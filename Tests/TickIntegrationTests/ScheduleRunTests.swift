import Foundation
import Testing
import TickCore

/// Schedules folded into the claim request, against real Redis (through the REST gateway) and PostgreSQL.
@Suite("schedules")
struct ScheduleRunTests {
    func hourly(_ name: String, catchUp: Schedule.CatchUp, queue: String = "sched") throws -> Schedule {
        Schedule(
            name: name, expression: try CronExpression("0 * * * *"), catchUp: catchUp,
            job: JobSpec(id: "x", handler: "noop", queue: queue, work: .items([.object(["report": .string("hourly")])])))
    }

    /// Unix ms of a fixed instant in 2031 (so no real slot of the test's own minute interferes).
    func at(_ hour: Int, _ minute: Int, second: Int = 30) -> Int64 {
        (CivilDateTime(year: 2031, month: 5, day: 6, hour: hour, minute: minute, second: second)?.localSeconds ?? 0) * 1000
    }

    func claim(_ queue: JobQueue, now: Int64, schedules: [Schedule]) async throws -> JobQueue.Claim {
        // Claims from a queue nothing is enqueued into: only the schedules' part of the script acts.
        try await queue.claim(queues: ["untouched"], handlers: [], batch: 1, lease: .seconds(60), nowMilliseconds: now, schedules: schedules.map { $0.slots(nowMilliseconds: now) })
    }

    @Test("10 concurrent runs over the same minute enqueue each due slot once")
    func concurrentRuns() async throws {
        let harness = try RunnerHarness()
        let schedules = [try hourly("h-skip", catchUp: .skip), try hourly("h-all", catchUp: .all(limit: 5))]
        let queue = try harness.queue()
        _ = try await claim(queue, now: at(10, 0), schedules: schedules)  // first sighting at 10:00:30: the 10:00 slots
        let later = at(13, 0, second: 5)
        let claims = try await withThrowingTaskGroup(of: JobQueue.Claim.self) { group in
            for _ in 0..<10 {
                group.addTask { try await self.claim(try harness.queue(), now: later, schedules: schedules) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let scheduled = claims.flatMap(\.scheduled)
        let slot = { (hour: Int) in (self.at(hour, 0, second: 0)) / 1000 }
        #expect(scheduled.sorted() == ["sched:h-all:\(slot(11))", "sched:h-all:\(slot(12))", "sched:h-all:\(slot(13))", "sched:h-skip:\(slot(13))"])
        #expect(claims.filter { !$0.scheduled.isEmpty }.count == 1, "one run enqueued them all; the other nine found nothing due")
        let ready = try await harness.client().send(RedisCommand("ZRANGE", RedisArgument(QueueKeys(prefix: harness.prefix).ready("sched", handler: "noop")), RedisArgument(0), RedisArgument(-1)))
        #expect((ready.array ?? []).count == 2 + 4, "10:00 twice, then 11-13 for all and 13 for skip: each slot one job")
        let record = try await queue.record(of: "sched:h-all:\(slot(12))")
        #expect(record["schedule"] == "h-all" && record["state"] == "ready")
        let spec = try JobSpec(json: Array((record["spec"] ?? "").utf8))
        #expect(spec.id == "sched:h-all:\(slot(12))" && spec.handler == "noop" && spec.queue == "sched")
    }

    @Test("a 3-hour gap: skip enqueues the latest slot only, all enqueues each missed slot")
    func gap() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let skip = try hourly("gap-skip", catchUp: .skip)
        let all = try hourly("gap-all", catchUp: .all(limit: 24))
        let first = try await claim(queue, now: at(9, 0), schedules: [skip, all])
        #expect(first.scheduled.count == 2, "first sighting at 09:00:30: the 09:00 slot of each")
        #expect(try await claim(queue, now: at(9, 30), schedules: [skip, all]).scheduled.isEmpty, "nothing due at 09:30")
        let after = try await claim(queue, now: at(12, 1), schedules: [skip, all])
        #expect(after.scheduled.filter { $0.hasPrefix("sched:gap-skip:") }.count == 1)
        #expect(after.scheduled.filter { $0.hasPrefix("sched:gap-all:") }.count == 3)
        #expect(try await claim(queue, now: at(12, 2), schedules: [skip, all]).scheduled.isEmpty)
    }

    @Test("a schedule changed or removed: the next run follows the config; jobs already enqueued stay")
    func configChanges() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let hourly = try hourly("report", catchUp: .skip)
        #expect(try await claim(queue, now: at(9, 0), schedules: [hourly]).scheduled.count == 1)
        let quarterly = Schedule(name: "report", expression: try CronExpression("*/15 * * * *"), job: hourly.job)
        #expect(try await claim(queue, now: at(9, 15), schedules: [quarterly]).scheduled == ["sched:report:\(at(9, 15, second: 0) / 1000)"])
        #expect(try await claim(queue, now: at(9, 30), schedules: []).scheduled.isEmpty, "removed: nothing more is enqueued")
        #expect(try await queue.record(of: "sched:report:\(at(9, 15, second: 0) / 1000)")["state"] == "ready", "removing never deletes jobs")
    }

    @Test("a run enqueues a due slot and works it; an idle minute with schedules costs one REST request")
    func runs() async throws {
        let harness = try RunnerHarness()
        let everyMinute = Schedule(
            name: "tick-\(harness.prefix)", expression: try CronExpression("* * * * *"),
            job: JobSpec(id: "x", handler: "h", work: .items([.integer(1), .integer(2)])))
        var registry = HandlerRegistry()
        registry.register("h", NoopHandler())
        let base = try harness.runner(registry)
        let runner = TickRunner(queue: base.queue, checkpoints: base.checkpoints, registry: registry, schedules: [everyMinute], logger: base.logger)
        let first = await runner.run(RunOptions())
        #expect(first.jobsScheduled == 1 && first.claimed == 1 && first.itemsDone == 2 && first.jobsCompleted == 1, "\(first.jsonLine)")
        #expect(first.redisRequests == 2, "claim (with the schedule) and acknowledge")
        let second = await runner.run(RunOptions())
        if second.jobsScheduled == 0 {
            #expect(second.exitReason == .idle && second.redisRequests == 1, "\(second.jsonLine)")
        } else {
            // The minute turned between the two runs: the new slot is enqueued and worked, still in the claim request.
            #expect(second.redisRequests == 2, "\(second.jsonLine)")
            let third = await runner.run(RunOptions())
            #expect(third.exitReason == .idle && third.redisRequests == 1, "\(third.jsonLine)")
        }
    }
}
