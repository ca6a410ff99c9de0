import Foundation
import Synchronization
import Testing
import TickCore

/// The runner against a second `tick-gateway` that fails requests on purpose (`--fault-rate`, docs/gateway.md),
/// in front of the same redis-server: a backlog still completes with every item recorded once, a claim whose
/// reply was lost strands nothing past its lease, and an acknowledgement whose reply was lost redoes nothing.
///
/// Runs go through the faulty gateway; set-up and checks go through the services' own gateway.
@Suite("Fault injection", .serialized)
struct FaultInjectionTests {
    /// Jobs of the backlog run (10 items each). `TICK_FAULT_JOBS` overrides it; the 2,000 is the default.
    static var backlogJobs: Int { Int(ProcessInfo.processInfo.environment["TICK_FAULT_JOBS"] ?? "") ?? 2000 }

    /// Executions of each item, by idempotency key (`JOB:INDEX`), across runs.
    final class ExecutionLog: Sendable {
        private let counts = Mutex([String: Int]())

        func record(_ key: String) { counts.withLock { $0[key, default: 0] += 1 } }
        var snapshot: [String: Int] { counts.withLock { $0 } }
    }

    /// A registry whose handler `h` records each execution and succeeds.
    static func registry(_ log: ExecutionLog) -> HandlerRegistry {
        var registry = HandlerRegistry()
        registry.register("h", ScriptedHandler { _, context in
            log.record(context.idempotencyKey)
            return .done(result: nil)
        })
        return registry
    }

    /// Short runs: a 1 s budget and a 0.5 s margin, so a stranded lease expires after 1.5 s.
    static var shortRun: RunOptions {
        var options = RunOptions()
        options.budget = .seconds(1)
        options.leaseMargin = .milliseconds(500)
        return options
    }

    static func stats(_ queue: JobQueue) async throws -> QueueStats {
        try #require(try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" })
    }

    @Test("20% of requests failing (500/502/503, drops before and after Redis ran them, slow): the backlog completes, every item recorded once")
    func backlogUnderFaults() async throws {
        let jobs = Self.backlogJobs
        let itemsPerJob = 10
        let harness = try RunnerHarness()
        let clean = try harness.queue()
        let gateway = try FaultyGateway([
            "--fault-rate", "0.2", "--fault-seed", "42", "--fault-kinds", "500,502,503,drop-before,drop-after,slow", "--fault-slow-ms", "2000",
        ])
        let ids = (0..<jobs).map { "\(harness.prefix)-\($0)" }
        for chunk in stride(from: 0, to: jobs, by: 250) {
            let specs = ids[chunk..<min(jobs, chunk + 250)].map { JobSpec.items($0, count: itemsPerJob) }
            #expect(try await clean.enqueue(specs, nowMilliseconds: UnixTime.nowMilliseconds()).allSatisfy { $0 })
        }

        let log = ExecutionLog()
        let runner = try harness.runner(Self.registry(log), queue: JobQueue(client: try gateway.client(), prefix: harness.prefix))
        var options = RunOptions()
        options.batch = 10  // many runs, so many claims and acknowledgements meet faults
        options.concurrency = 16
        options.budget = .seconds(3)
        options.leaseMargin = .seconds(1)  // a lost claim strands its jobs for 4 s

        let clock = ContinuousClock()
        let started = clock.now
        var reports: [RunReport] = []
        var finished = false
        while !finished, reports.count < 3000, started.duration(to: clock.now) < .seconds(240) {
            let report = await runner.run(options)
            reports.append(report)
            if report.claimed == 0 {
                let stats = try await Self.stats(clean)
                finished = stats.ready + stats.delayed + stats.leased == 0
                if !finished { try await Task.sleep(for: .milliseconds(250)) }  // stranded leases: wait for them
            }
        }
        let elapsed = started.duration(to: clock.now)
        let counts = try gateway.counts()

        // Every item recorded done exactly once (the key makes more than one record impossible: count them).
        let items = try harness.items()
        let recorded = items.values.reduce(0) { $0 + $1.values.filter { $0.state == "done" }.count }
        let lost = jobs * itemsPerJob - recorded
        let executions = log.snapshot
        let twice = executions.values.reduce(0) { $0 + max(0, $1 - 1) }
        let stats = try await Self.stats(clean)
        let failedRuns = reports.filter { $0.exitCode != 0 }
        // Jobs claimed more than once: a claim (or an acknowledgement) whose reply was lost left them leased,
        // and a later claim took them back after the lease expired.
        let connection = try harness.postgres()
        let retaken = try connection.query(
            "SELECT count(*)::int AS n FROM tick_jobs WHERE job_id LIKE $1 AND attempt > 1", [.text(harness.prefix + "-%")]
        ).first?.int("n") ?? -1
        connection.close()
        let reasons = Dictionary(grouping: failedRuns, by: \.exitReason.rawValue).mapValues(\.count)

        print(
            """
            fault run: \(jobs) jobs × \(itemsPerJob) items = \(jobs * itemsPerJob) items; \
            gateway: \(counts.faults) faults injected in \(counts.requests) requests \(counts.kinds.sorted { $0.key < $1.key }); \
            runs needed: \(reports.count) (\(reports.filter { $0.claimed > 0 }.count) claimed work, \(failedRuns.count) failed: \(reasons)); \
            jobs taken back after a lost reply: \(retaken); \
            items executed twice: \(twice); items lost: \(lost); jobs dead: \(stats.dead); \
            jobs reported lost by runs: \(reports.reduce(0) { $0 + $1.jobsLost }); \
            wall time \(Int(elapsed.milliseconds)) ms
            """)

        #expect(finished, "the backlog did not complete in \(reports.count) runs: \(stats)")
        #expect(lost == 0, "every item recorded done")
        #expect(items.count == jobs && items.values.allSatisfy { $0.count == itemsPerJob }, "one record per item, for every job")
        #expect(executions.count == jobs * itemsPerJob, "every item executed")
        #expect(twice == 0, "no item ran twice: finished items are committed before the acknowledgement, and a resumed job skips them")
        #expect(stats.dead == 0, "no job dead-lettered by mistake")
        #expect(stats.ready + stats.delayed + stats.leased == 0, "no job left behind")
        let sample = try await clean.record(of: ids[jobs / 2])
        #expect(sample["state"] == "done")
        // The faults really happened, at about the rate asked for, of every kind.
        #expect(counts.faults >= counts.requests / 10, "\(counts.faults) faults in \(counts.requests) requests")
        for kind in ["500", "502", "503", "drop-before", "drop-after", "slow"] {
            #expect((counts.kinds[kind] ?? 0) > 0, "no \(kind) fault was injected")
        }
        #expect(!failedRuns.isEmpty, "some runs failed because of the faults")
        #expect(retaken > 0, "some claims' replies were lost and their jobs taken back after the lease")
        #expect(reports.reduce(0) { $0 + $1.jobsLost } == 0, "a retried acknowledgement whose first reply was lost is not reported as a lost job")
    }

    @Test("a repeated acknowledgement (the client retried after a lost reply) reports applied and changes nothing")
    func repeatedAcknowledgement() async throws {
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let ids = ["done", "retry", "dead", "release", "stale"].map { "\(harness.prefix)-\($0)" }
        #expect(try await queue.enqueue(ids.map { .items($0, count: 1) }, nowMilliseconds: UnixTime.nowMilliseconds()).allSatisfy { $0 })
        let claim = try await queue.claim(queues: ["default"], handlers: ["h"], batch: 5, lease: .seconds(30), nowMilliseconds: UnixTime.nowMilliseconds())
        let jobs = Dictionary(uniqueKeysWithValues: claim.jobs.map { ($0.id, $0) })
        let outcomes: [JobQueue.Outcome] = [.done, .retry(delayMilliseconds: 60_000, error: "e"), .dead(reason: "r"), .release]
        let acks = try zip(ids, outcomes).map { id, outcome in JobQueue.Acknowledgement(job: try #require(jobs[id]), outcome: outcome) }
        #expect(try await queue.acknowledge(acks, nowMilliseconds: UnixTime.nowMilliseconds()) == [true, true, true, true])
        let before = try await [ids[0], ids[1], ids[2], ids[3]].asyncMap { try await queue.record(of: $0) }
        #expect(try await queue.acknowledge(acks, nowMilliseconds: UnixTime.nowMilliseconds()) == [true, true, true, true], "a repeat reports applied")
        let after = try await [ids[0], ids[1], ids[2], ids[3]].asyncMap { try await queue.record(of: $0) }
        #expect(before == after, "a repeat changes nothing (a release is not uncounted twice)")
        #expect(after[3]["attempt"] == "0")
        // An acknowledgement under a fence that is no longer the job's is still refused.
        var stale = try #require(jobs[ids[4]])
        stale.fence -= 1
        #expect(try await queue.acknowledge([.init(job: stale, outcome: .done)], nowMilliseconds: UnixTime.nowMilliseconds()) == [false])
        #expect(try await queue.record(of: ids[4])["state"] == "leased")
    }

    @Test("a claim whose reply was lost after Redis ran it strands its jobs only until the lease expires")
    func lostClaimReply() async throws {
        let harness = try RunnerHarness()
        let clean = try harness.queue()
        let id = "\(harness.prefix)-claim"
        #expect(try await clean.enqueue([.items(id, count: 5)], nowMilliseconds: UnixTime.nowMilliseconds()) == [true])
        let gateway = try FaultyGateway(["--fault-rate", "1", "--fault-kinds", "drop-after"])
        let log = ExecutionLog()
        var options = Self.shortRun
        // The claim is retried (each retry answered from its token) until the work deadline: a 3.5 s lease keeps the
        // job leased well after that, also on a loaded machine.
        options.leaseMargin = .milliseconds(2500)

        let faultyRunner = try harness.runner(Self.registry(log), queue: JobQueue(client: try gateway.client(), prefix: harness.prefix))
        let faulty = await faultyRunner.run(options)
        #expect(faulty.exitReason == .redisUnavailable, "\(faulty)")
        #expect(faulty.claimed == 0, "the run never saw its claim's reply")
        let counts = try gateway.counts()
        #expect(counts.kinds["drop-after"] == counts.requests, "every request's reply was lost: \(counts)")
        let stranded = try await clean.record(of: id)
        #expect(stranded["state"] == "leased", "Redis ran the claim")
        #expect(stranded["attempt"] == "1")

        // Until the lease (budget + margin) expires nobody can take it; then the next run does and finishes it.
        let runner = try harness.runner(Self.registry(log))
        let early = await runner.run(options)
        #expect(early.claimed == 0, "still leased to the run that lost the reply")
        try await Task.sleep(for: options.lease + .milliseconds(200))
        let resumed = await runner.run(options)
        #expect(resumed.claimed == 1)
        #expect(resumed.jobsCompleted == 1)
        #expect(resumed.itemsDone == 5)
        let done = try await clean.record(of: id)
        #expect(done["state"] == "done")
        #expect(done["attempt"] == "2", "the lost claim counts as an attempt")
        #expect(log.snapshot.count == 5 && log.snapshot.values.allSatisfy { $0 == 1 }, "each item ran once: \(log.snapshot)")
    }

    @Test(
        "an acknowledgement whose every reply was lost: the finished items are not run again",
        arguments: ["drop-before", "drop-after", "503"])
    func lostAcknowledgement(kind: String) async throws {
        let harness = try RunnerHarness()
        let clean = try harness.queue()
        let id = "\(harness.prefix)-ack"
        #expect(try await clean.enqueue([.items(id, count: 5)], nowMilliseconds: UnixTime.nowMilliseconds()) == [true])
        // The first request (the claim) is served; every later one (the acknowledgement and its retries) fails.
        let gateway = try FaultyGateway(["--fault-rate", "1", "--fault-skip", "1", "--fault-kinds", kind])
        let log = ExecutionLog()
        let options = Self.shortRun

        let faultyRunner = try harness.runner(Self.registry(log), queue: JobQueue(client: try gateway.client(), prefix: harness.prefix))
        let faulty = await faultyRunner.run(options)
        #expect(faulty.claimed == 1)
        #expect(faulty.itemsDone == 5, "the items ran and were committed before the acknowledgement")
        #expect(faulty.exitReason == .redisUnavailable, "\(faulty)")
        let counts = try gateway.counts()
        #expect(counts.requests >= 2 && counts.faults == counts.requests - 1, "\(counts)")
        let items = try #require(try harness.items()[id])
        #expect(items.count == 5 && items.values.allSatisfy { $0.state == "done" })
        let afterFault = try await clean.record(of: id)
        // drop-after: Redis ran the acknowledgement (the job is done); otherwise it never ran (still leased).
        #expect(afterFault["state"] == (kind == "drop-after" ? "done" : "leased"), "\(afterFault)")

        // The next runs, after the lease: the job ends done and no item runs a second time.
        try await Task.sleep(for: options.lease + .milliseconds(200))
        let reports = await harness.drain(try harness.runner(Self.registry(log)), options: options)
        #expect(reports.reduce(0) { $0 + $1.itemsDone } == 0, "nothing redone")
        #expect(reports.reduce(0) { $0 + $1.jobsLost } == 0)
        #expect(try await clean.record(of: id)["state"] == "done")
        #expect(log.snapshot.count == 5 && log.snapshot.values.allSatisfy { $0 == 1 }, "each item ran once: \(log.snapshot)")
        let stats = try await Self.stats(clean)
        #expect(stats.ready + stats.leased + stats.delayed + stats.dead == 0)
    }

    @Test(
        "a drain's acknowledgement-and-next-claim whose reply is lost: retried, yet nothing is claimed twice; the run stops, the batch it claimed waits for its lease, no item runs twice",
        arguments: ["drop-before", "drop-after", "503"])
    func lostChainedRequest(kind: String) async throws {
        let harness = try RunnerHarness()
        let clean = try harness.queue()
        let ids = (0..<8).map { "\(harness.prefix)-chain-\($0)" }
        #expect(try await clean.enqueue(ids.map { .items($0, count: 3) }, nowMilliseconds: UnixTime.nowMilliseconds()).allSatisfy { $0 })
        // The first request (the run's own claim) is served; the pipelined acknowledgement + next claim never is.
        let gateway = try FaultyGateway(["--fault-rate", "1", "--fault-skip", "1", "--fault-kinds", kind])
        let log = ExecutionLog()
        var options = Self.shortRun
        options.batch = 2
        let faultyRunner = try harness.runner(Self.registry(log), queue: JobQueue(client: try gateway.client(), prefix: harness.prefix))
        let (faulty, next) = await faultyRunner.run(options, chain: .init(nextBatch: 2))
        #expect(faulty.claimed == 2 && faulty.itemsDone == 6, "\(faulty)")
        #expect(faulty.exitReason == .redisUnavailable || faulty.exitReason == .redisError, "\(faulty)")
        #expect(next == nil, "no next claim is handed on when its request failed")
        let counts = try gateway.counts()
        #expect(counts.requests > 2 && counts.faults == counts.requests - 1, "the pipelined request was retried: \(counts)")
        // drop-after: Redis ran it at every attempt, yet only the first leased a batch (the claim token); else it never ran.
        var states: [String] = []
        var attempts: [String] = []
        for id in ids {
            let record = try await clean.record(of: id)
            states.append(record["state"] ?? "?")
            attempts.append(record["attempt"] ?? "?")
        }
        let ready = Array(repeating: "ready", count: 4)
        #expect(states == (kind == "drop-after" ? ["done", "done", "leased", "leased"] + ready : ["leased", "leased", "ready", "ready"] + ready), "\(states)")
        #expect(attempts[2] == (kind == "drop-after" ? "1" : "0") && attempts[3] == attempts[2], "claimed once: \(attempts)")

        try await Task.sleep(for: options.lease + .milliseconds(200))
        let reports = await harness.drain(try harness.runner(Self.registry(log)), options: options)
        #expect(reports.reduce(0) { $0 + $1.itemsDone } == 18, "only the items not yet done run now")
        for id in ids { #expect(try await clean.record(of: id)["state"] == "done") }
        #expect(log.snapshot.count == 24 && log.snapshot.values.allSatisfy { $0 == 1 }, "each item ran once: \(log.snapshot)")
    }
}

extension Array {
    /// `map` with an async transform, in order.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
