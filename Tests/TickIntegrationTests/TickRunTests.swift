import Foundation
import Logging
import Synchronization
import Testing
import TickCore

/// The tick's promises, against the real gateway, redis-server and PostgreSQL.
@Suite("The tick", .serialized)
struct TickRunTests {
    @Test("an idle run costs exactly one REST request and opens no PostgreSQL connection")
    func idleRun() async throws {
        let harness = try RunnerHarness()
        let opened = Mutex(0)
        let url = harness.databaseURL
        let runner = TickRunner(queue: try harness.queue(), registry: HandlerRegistry(), logger: .init(label: "t")) { timeout throws(PostgresError) in
            opened.withLock { $0 += 1 }
            return try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(url), connectTimeout: timeout))
        }
        let report = await runner.run(RunOptions())
        #expect(report.exitReason == .idle)
        #expect(report.redisRequests == 1)
        #expect(report.redisCommands == 1)
        #expect(opened.withLock { $0 } == 0)
    }

    @Test("a job's items are all recorded once, and the batch costs two Redis requests")
    func completesJobs() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let jobs = (0..<10).map { JobSpec.items("\(harness.prefix)-\($0)", count: 10) }
        #expect(try await queue.enqueue(jobs, nowMilliseconds: UnixTime.nowMilliseconds()).allSatisfy { $0 })
        var registry = HandlerRegistry()
        registry.register("h", ScriptedHandler { input, _ in
            guard case .item(let index, _) = input else { return .failed(reason: "not an item") }
            return .done(result: .object(["i": .integer(Int64(index))]))
        })
        var options = RunOptions()
        options.batch = 100
        let report = try await harness.runner(registry).run(options)
        #expect(report.exitReason == .completed)
        #expect(report.claimed == 10)
        #expect(report.itemsDone == 100)
        #expect(report.jobsCompleted == 10)
        #expect(report.redisRequests == 2, "one claim and one acknowledgement for the whole batch")
        let items = try harness.items()
        #expect(items.count == 10)
        #expect(items.values.allSatisfy { $0.count == 10 && $0.values.allSatisfy { $0.state == "done" } })
        #expect(items["\(harness.prefix)-3"]?[7]?.result == #"{"i": 7}"#)
        #expect(try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }.map { $0.leased + $0.ready } == 0)
    }

    @Test("8 runs started together over 2,000 jobs finish all of them, each item recorded once, none dead")
    func overlappingRuns() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let jobs = (0..<2000).map { JobSpec.items("\(harness.prefix)-\($0)", count: 1) }
        for chunk in stride(from: 0, to: jobs.count, by: 500) {
            _ = try await queue.enqueue(Array(jobs[chunk..<chunk + 500]), nowMilliseconds: UnixTime.nowMilliseconds())
        }
        let executions = Mutex([String: Int]())
        var registry = HandlerRegistry()
        registry.register("h", ScriptedHandler { _, context in
            executions.withLock { $0[context.jobID, default: 0] += 1 }
            return .done(result: nil)
        })
        var options = RunOptions()
        options.batch = 50
        options.concurrency = 8
        let overlapOptions = options
        let reports = try await withThrowingTaskGroup(of: [RunReport].self) { group in
            for _ in 0..<8 {
                let runner = try harness.runner(registry)
                group.addTask { await harness.drain(runner, options: overlapOptions) }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let items = try harness.items()
        #expect(items.count == 2000)
        #expect(items.values.allSatisfy { $0.count == 1 && $0[0]?.state == "done" })
        #expect(reports.reduce(0) { $0 + $1.jobsCompleted } == 2000)
        #expect(reports.reduce(0) { $0 + $1.jobsDead } == 0)
        #expect(reports.allSatisfy { $0.exitCode == 0 })
        #expect(executions.withLock { $0.count } == 2000)
        #expect(executions.withLock { $0.values.allSatisfy { $0 == 1 } }, "no lease expired, so no item ran twice")
        let stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }
        #expect(stats.map { $0.ready + $0.leased + $0.delayed + $0.dead } == 0)
    }

    @Test("a run whose lease expired (a stall) cannot overwrite the new owner's checkpoint")
    func fencing() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let id = "\(harness.prefix)-fenced"
        _ = try await queue.enqueue([.items(id, count: 3)], nowMilliseconds: UnixTime.nowMilliseconds())
        // Run A stalls on item 0 far past its lease, ignoring cancellation (slow, not dead).
        var stalled = HandlerRegistry()
        stalled.register("h", ScriptedHandler { _, _ in
            // On a thread of its own, which a task's cancellation does not reach.
            _ = try? await offPool { Thread.sleep(forTimeInterval: 2.5) }
            return .done(result: .string("A"))
        })
        var optionsA = RunOptions()
        optionsA.budget = .milliseconds(1000)
        optionsA.leaseMargin = .milliseconds(200)
        let runnerA = try harness.runner(stalled)
        async let reportA = runnerA.run(optionsA)

        // Run B claims the job once A's lease (1.2 s) has expired, and finishes it.
        try await Task.sleep(for: .milliseconds(1500))
        var quick = HandlerRegistry()
        quick.register("h", ScriptedHandler { _, _ in .done(result: .string("B")) })
        let reportB = try await harness.runner(quick).run(RunOptions())
        #expect(reportB.claimed == 1)
        #expect(reportB.jobsCompleted == 1)

        let a = await reportA
        #expect(a.jobsLost == 1, "A must notice it lost the job")
        #expect(a.jobsCompleted == 0)
        #expect(a.itemsDone == 0, "A's late write must be refused")
        let items = try harness.items()[id] ?? [:]
        #expect(items.count == 3)
        #expect(items.values.allSatisfy { $0.result == #""B""# && $0.fence == 2 }, "B's records stand")
    }

    @Test("with items longer than the budget allows, every run exits before its budget and the backlog still finishes")
    func budget() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        _ = try await queue.enqueue((0..<3).map { .items("\(harness.prefix)-\($0)", count: 4) }, nowMilliseconds: UnixTime.nowMilliseconds())
        var registry = HandlerRegistry()
        registry.register("h", ScriptedHandler { _, _ in
            do { try await Task.sleep(for: .milliseconds(300)) } catch { return .retryLater(reason: "cancelled", after: nil) }
            return .done(result: nil)
        })
        var options = RunOptions()
        options.budget = .milliseconds(1200)
        options.concurrency = 2
        let runner = try harness.runner(registry)
        let reports = await harness.drain(runner, options: options, limit: 30)
        for report in reports {
            #expect(report.durationMilliseconds < 1200, "run took \(report.durationMilliseconds) ms of a 1200 ms budget")
        }
        #expect(reports.count > 2, "the work needs several runs")
        #expect(reports.contains { $0.exitReason == .budget })
        let items = try harness.items()
        #expect(items.values.reduce(0) { $0 + $1.count } == 12)
        #expect(reports.reduce(0) { $0 + $1.jobsDead } == 0)
    }

    @Test("malformed job JSON is dead-lettered with a reason; a job of an unknown handler is left ready, untouched; the run goes on")
    func badJobs() async throws {
        let harness = try RunnerHarness()
        let client = try harness.client()
        let queue = JobQueue(client: client, prefix: harness.prefix)
        let p = harness.prefix
        let keys = QueueKeys(prefix: p)
        // A producer wrote garbage: bypass validation, as a buggy producer would.
        _ = try await client.pipeline([
            RedisCommand(
                "HSET", RedisArgument(keys.job("broken")), "spec", "{not json", "queue", "default", "handler", "h", "attempt", 0, "fence", 0,
                "score", 1, "max_attempts", 5),
            RedisCommand("ZADD", RedisArgument(keys.ready("default", handler: "h")), 1, "broken"),
            RedisCommand("SADD", RedisArgument(keys.handlers("default")), "h"),
            RedisCommand("SADD", RedisArgument(keys.queues), "default"),
            RedisCommand("SET", RedisArgument(keys.layout), RedisArgument(QueueKeys.layoutVersion)),
        ])
        _ = try await queue.enqueue([.items("\(p)-unknown", count: 1, handler: "nobody"), .items("\(p)-good", count: 2)], nowMilliseconds: UnixTime.nowMilliseconds())
        var registry = HandlerRegistry()
        registry.register("h", NoopHandler())
        let report = try await harness.runner(registry).run(RunOptions())
        #expect(report.exitCode == 0)
        #expect(report.jobsDead == 1)
        #expect(report.jobsCompleted == 1)
        #expect(report.jobsSkipped == 1)
        #expect(try await queue.record(of: "broken")["error"]?.hasPrefix("malformed job") == true)
        let unknown = try await queue.record(of: "\(p)-unknown")
        #expect(unknown["state"] == "ready" && unknown["attempt"] == "0" && unknown["fence"] == "0", "\(unknown)")
        let stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }
        #expect(stats?.dead == 1 && stats?.readyByHandler == ["nobody": 1])
    }

    @Test("a transient failure retries with backoff and resumes at that item; exhausted attempts dead-letter the job")
    func retries() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let id = "\(harness.prefix)-flaky"
        var spec = JobSpec.items(id, count: 3, maxAttempts: 2)
        spec.backoff = .init(baseMilliseconds: 0, maxMilliseconds: 0)
        _ = try await queue.enqueue([spec], nowMilliseconds: UnixTime.nowMilliseconds())
        let calls = Mutex([Int]())
        var registry = HandlerRegistry()
        registry.register("h", ScriptedHandler { input, _ in
            guard case .item(let index, _) = input else { return .failed(reason: "?") }
            calls.withLock { $0.append(index) }
            return index == 1 ? .retryLater(reason: "upstream busy", after: nil) : .done(result: nil)
        })
        let runner = try harness.runner(registry)
        let first = await runner.run(RunOptions())
        #expect(first.jobsRetried == 1)
        let second = await runner.run(RunOptions())
        #expect(second.jobsDead == 1)
        #expect(calls.withLock { $0 } == [0, 1, 2, 1], "items 0 and 2 finish while 1 fails; the second attempt runs item 1 alone")
        let record = try await queue.record(of: id)
        #expect(record["state"] == "dead")
        #expect(record["error"]?.contains("attempts exhausted (2 of 2)") == true)
        #expect(record["error"]?.contains("upstream busy") == true)
    }

    @Test("a cursor job checkpoints its cursor after each page and resumes at the failed page with it")
    func cursorJob() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let id = "\(harness.prefix)-sync"
        var spec = JobSpec(id: id, handler: "h", work: .cursor(nil))
        spec.backoff = .init(baseMilliseconds: 0, maxMilliseconds: 0)
        _ = try await queue.enqueue([spec], nowMilliseconds: UnixTime.nowMilliseconds())
        let seen = Mutex([String]())
        let failedOnce = Mutex(false)
        var registry = HandlerRegistry()
        registry.register("h", ScriptedHandler { input, context in
            guard case .page(let number, let cursor) = input else { return .failed(reason: "not a page") }
            seen.withLock { $0.append("\(number):\(cursor ?? "start"):\(context.idempotencyKey)") }
            if cursor == "p2", !failedOnce.withLock({ let first = !$0; $0 = true; return !first }) {
                return .retryLater(reason: "rate limited", after: .zero)
            }
            let next: String? = number < 4 ? "p\(number + 1)" : nil
            return .page(next: next, result: .object(["page": .integer(Int64(number))]))
        })
        let runner = try harness.runner(registry)
        let first = await runner.run(RunOptions())
        #expect(first.jobsRetried == 1)
        #expect(first.itemsDone == 2, "pages 0 and 1 committed before the failure")
        let second = await runner.run(RunOptions())
        #expect(second.jobsCompleted == 1)
        #expect(second.itemsDone == 3)
        #expect(seen.withLock { $0 } == [
            "0:start:\(id):page:0", "1:p1:\(id):page:1", "2:p2:\(id):page:2",
            "2:p2:\(id):page:2", "3:p3:\(id):page:3", "4:p4:\(id):page:4",
        ])
        let pages = try harness.items()[id] ?? [:]
        #expect(pages.keys.sorted() == [0, 1, 2, 3, 4])
        let connection = try harness.postgres()
        defer { connection.close() }
        let summary = try CheckpointStore(connection: connection).summary(of: id)
        #expect(summary?.state == "done")
        #expect(summary?.itemsDone == 5)
        #expect(summary?.cursor == nil)
        #expect(summary?.attempt == 2)
    }

    @Test("PostgreSQL unreachable after a claim: the jobs are released in one request, nothing is lost, exit 79")
    func postgresUnreachable() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        _ = try await queue.enqueue([.items("\(harness.prefix)-a", count: 1), .items("\(harness.prefix)-b", count: 1)], nowMilliseconds: UnixTime.nowMilliseconds())
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        var registry = HandlerRegistry()
        registry.register("h", NoopHandler())
        let runner = TickRunner(queue: queue, registry: registry, logger: logger) { timeout throws(PostgresError) in
            try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret("postgresql://tick:tick@127.0.0.1:9/none"), connectTimeout: timeout))
        }
        let report = await runner.run(RunOptions())
        #expect(report.exitCode == 79)
        #expect(report.exitReason == .postgresUnavailable)
        #expect(report.jobsReleased == 2)
        #expect(report.redisRequests == 2)
        let stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }
        #expect(stats?.ready == 2)
        #expect(stats?.leased == 0)
    }
}
