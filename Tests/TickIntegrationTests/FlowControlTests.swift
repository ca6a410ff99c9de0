import Foundation
import Testing
import TickCore

/// Flow control (issue 16, docs/flow-control.md) against the real gateway and redis-server: per-key concurrency and
/// rate limits enforced inside the claim, round robin between keys, unique keys under concurrent enqueues, and the
/// schedules' overlap policies.
@Suite("flow control", .serialized)
struct FlowControlTests {
    let harness: RunnerHarness
    let queue: JobQueue
    let client: UpstashClient

    init() throws {
        harness = try RunnerHarness()
        queue = try harness.queue()
        client = try harness.client()
    }

    func job(_ name: String, key: String? = nil, rate: String? = nil, handler: String = "h") -> JobSpec {
        var spec = JobSpec(id: "\(harness.prefix)-\(name)", handler: handler, work: .items([.integer(1)]))
        spec.flow.concurrencyKey = key
        spec.flow.rateKey = rate
        return spec
    }

    func unique(_ name: String, key: String, policy: UniquePolicy, debounce: Int? = nil, most: Int? = nil) -> JobSpec {
        var spec = JobSpec(id: "\(harness.prefix)-\(name)", handler: "h", work: .items([.integer(1)]))
        spec.flow.uniqueKey = key
        spec.flow.uniquePolicy = policy
        spec.flow.debounceMilliseconds = debounce
        spec.flow.debounceMaxMilliseconds = most
        return spec
    }

    func enqueue(_ jobs: [JobSpec]) async throws {
        for chunk in stride(from: 0, to: jobs.count, by: 100) {
            _ = try await queue.enqueue(Array(jobs[chunk..<min(chunk + 100, jobs.count)]), nowMilliseconds: UnixTime.nowMilliseconds())
        }
    }

    func claim(
        _ batch: Int, limits: FlowLimits = FlowLimits(), lease: Duration = .seconds(60), schedules: [ScheduleSlots] = [], now: Int64 = UnixTime.nowMilliseconds()
    ) async throws -> JobQueue.Claim {
        try await queue.claim(
            queues: ["default"], handlers: ["h"], batch: batch, lease: lease, nowMilliseconds: now, schedules: schedules,
            signals: .init(trigger: .manual, limits: limits))
    }

    func done(_ jobs: [JobQueue.ClaimedJob]) async throws {
        _ = try await queue.acknowledge(jobs.map { .init(job: $0, outcome: .done) }, nowMilliseconds: UnixTime.nowMilliseconds())
    }

    func limit(_ concurrency: Int? = nil, rate: FlowLimit.Rate? = nil, keys: [String: FlowLimit.Override] = [:]) -> FlowLimits {
        FlowLimits(handlers: ["h": FlowLimit(perKeyConcurrency: concurrency, perKeyRate: rate, keys: keys)])
    }

    func send(_ words: String...) async throws -> RedisValue {
        try await client.send(RedisCommand(words[0], arguments: words.dropFirst().map { RedisArgument($0) }))
    }

    @Test("a hot key with 1,000 waiting jobs does not delay a cold key's job beyond one claim, with or without a limit")
    func hotKeyDoesNotStarveColdKey() async throws {
        try await enqueue((0..<1_000).map { job("hot-\(String(format: "%04d", $0))", key: "hot") } + [job("cold", key: "cold"), job("plain")])
        let first = try await claim(3, limits: limit(2))
        #expect(Set(first.jobs.map(\.id)) == ["\(harness.prefix)-hot-0000", "\(harness.prefix)-cold", "\(harness.prefix)-plain"], "\(first.jobs.map(\.id))")

        try await enqueue([job("cold-2", key: "cold")])
        let limited = try await claim(10, limits: limit(2))
        let ids = limited.jobs.map(\.id)
        #expect(ids.contains("\(harness.prefix)-cold-2"), "\(ids)")
        #expect(ids.filter { $0.contains("-hot-") }.count == 1, "the hot key had one running already: one more under a limit of 2: \(ids)")
        // Parked: out of the turns the claim reads, so its backlog costs the next claims nothing.
        #expect(try await send("ZSCORE", queue.keys.parked("default", handler: "h"), "hot").string != nil)
        #expect(try await send("ZSCORE", queue.keys.flowKeys("default", handler: "h"), "hot") == .null)
        #expect(try await claim(10, limits: limit(2)).jobs.isEmpty)
        let stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds())
        #expect(stats.first?.ready == 998 && stats.first?.leased == 5, "\(stats)")

        // A running job's end frees its place at once: the key's turn comes back with the acknowledgement.
        try await done(first.jobs)
        let next = try await claim(10, limits: limit(2))
        #expect(next.jobs.map(\.id) == ["\(harness.prefix)-hot-0002"], "\(next.jobs.map(\.id))")
    }

    @Test("keys are served round robin: each key's first job before any key's second")
    func roundRobin() async throws {
        try await enqueue((0..<3).flatMap { n in ["a", "b", "c"].map { (key: String) in job("\(key)-\(n)", key: key) } }.sorted { $0.id < $1.id })
        let claimed = try await claim(6)
        let keys = claimed.jobs.map { $0.id.split(separator: "-")[1] }
        #expect(Set(keys.prefix(3)) == ["a", "b", "c"] && Set(keys.suffix(3)) == ["a", "b", "c"], "\(claimed.jobs.map(\.id)) \(keys)")
    }

    @Test("a per-key override and a limit of 0 (the key waits)")
    func overrides() async throws {
        try await enqueue((0..<5).map { job("big-\($0)", key: "big") } + (0..<5).map { job("small-\($0)", key: "small") } + [job("off", key: "off")])
        let limits = limit(1, keys: ["big": .init(perKeyConcurrency: 3), "off": .init(perKeyConcurrency: 0)])
        let ids = try await claim(20, limits: limits).jobs.map(\.id)
        #expect(ids.filter { $0.contains("-big-") }.count == 3 && ids.filter { $0.contains("-small-") }.count == 1, "\(ids)")
        #expect(!ids.contains("\(harness.prefix)-off"))
    }

    @Test("the rate limit holds over a window spanning several claims, then lets the key go on")
    func rateLimitAcrossClaims() async throws {
        try await enqueue((0..<12).map { job("r-\($0)", key: "api") })
        let limits = limit(rate: .init(jobs: 3, period: .milliseconds(1_000)))
        var starts: [Int64] = []
        let end = UnixTime.nowMilliseconds() + 3_500
        while UnixTime.nowMilliseconds() < end {
            let now = UnixTime.nowMilliseconds()
            let claimed = try await claim(10, limits: limits, now: now)
            starts += claimed.jobs.map { _ in now }
            try await done(claimed.jobs)
            try await Task.sleep(for: .milliseconds(50))
        }
        for start in starts {
            let inWindow = starts.filter { $0 > start - 1_000 && $0 <= start }.count
            #expect(inWindow <= 3, "\(inWindow) starts in the second before \(start): \(starts)")
        }
        #expect(starts.count >= 9, "three windows passed: \(starts.count) starts")
    }

    @Test("a lease that expires (its run was killed) gives its place back: the count returns to 0 and the key runs again")
    func expiredLeaseReleasesItsPlace() async throws {
        try await enqueue([job("k-0", key: "k"), job("k-1", key: "k")])
        let first = try await claim(10, limits: limit(1), lease: .milliseconds(300))
        #expect(first.jobs.count == 1)
        let running = queue.keys.running(scope: "h:h", key: "k")
        #expect(try await send("ZCARD", running).int == 1)
        try await Task.sleep(for: .milliseconds(450))
        // Nothing acknowledged: the claim takes the lease back and the key's two jobs compete again for one place.
        let again = try await claim(10, limits: limit(1))
        #expect(again.jobs.count == 1, "\(again.jobs.map(\.id))")
        #expect(try await send("ZCARD", running).int == 1, "one running now, not two: no count leaked")
        try await done(again.jobs)
        #expect(try await send("ZCARD", running).int == 0)
    }

    @Test("reject under 20 concurrent enqueues: exactly one enqueued")
    func rejectConcurrently() async throws {
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 0..<20 {
                group.addTask { try await queue.enqueue([unique("u-\(n)", key: "sync", policy: .reject)], nowMilliseconds: UnixTime.nowMilliseconds()) == [true] }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
        let claimed = try await claim(10)
        #expect(claimed.jobs.count == 1)
        // Running still holds the key; once done, the key is free again.
        #expect(try await queue.enqueue([unique("u-late", key: "sync", policy: .reject)], nowMilliseconds: UnixTime.nowMilliseconds()) == [false])
        try await done(claimed.jobs)
        #expect(try await queue.enqueue([unique("u-after", key: "sync", policy: .reject)], nowMilliseconds: UnixTime.nowMilliseconds()) == [true])
    }

    @Test("replace under 20 concurrent enqueues: one waits, the 19 others end cancelled, superseded")
    func replaceConcurrently() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<20 {
                group.addTask { _ = try await queue.enqueue([unique("v-\(n)", key: "form", policy: .replace)], nowMilliseconds: UnixTime.nowMilliseconds()) }
            }
            try await group.waitForAll()
        }
        var states: [String: Int] = [:]
        for n in 0..<20 {
            let record = try await queue.record(of: "\(harness.prefix)-v-\(n)")
            states[record["state"] ?? "?", default: 0] += 1
            if record["state"] == "cancelled" { #expect(record["error"]?.hasPrefix("superseded by \(harness.prefix)-v-") == true) }
        }
        #expect(states == ["ready": 1, "cancelled": 19], "\(states)")
        #expect(try await claim(10).jobs.count == 1)
    }

    @Test("replace while one runs: the new job waits behind it, one at most, and becomes due when the running one ends")
    func replaceBehindRunning() async throws {
        try await enqueue([unique("w-0", key: "doc", policy: .replace)])
        let holder = try await claim(10)
        #expect(holder.jobs.count == 1)
        try await enqueue([unique("w-1", key: "doc", policy: .replace)])
        try await enqueue([unique("w-2", key: "doc", policy: .replace)])
        #expect(try await queue.record(of: "\(harness.prefix)-w-1")["error"] == "superseded by \(harness.prefix)-w-2")
        #expect(try await queue.record(of: "\(harness.prefix)-w-2")["state"] == "delayed")
        #expect(try await claim(10).jobs.isEmpty, "the follower does not run beside the running job")
        try await done(holder.jobs)
        let next = try await claim(10)
        #expect(next.jobs.map(\.id) == ["\(harness.prefix)-w-2"])
    }

    @Test("debounce: the job starts once the key is quiet, pushed back by each enqueue, at most debounce_max_ms after the first")
    func debounce() async throws {
        // The scripts take the time from their caller: the test moves it on instead of sleeping.
        let t0 = UnixTime.nowMilliseconds()
        func add(_ spec: JobSpec, at: Int64) async throws -> [Bool] { try await queue.enqueue([spec], nowMilliseconds: at) }
        _ = try await add(unique("d-0", key: "save", policy: .debounce, debounce: 600), at: t0)
        _ = try await add(unique("d-1", key: "save", policy: .debounce, debounce: 600), at: t0 + 300)
        #expect(try await claim(10, now: t0 + 750).jobs.isEmpty, "450 ms after the last save: not quiet for 600 yet")
        #expect(try await claim(10, now: t0 + 950).jobs.map(\.id) == ["\(harness.prefix)-d-1"])
        #expect(try await queue.record(of: "\(harness.prefix)-d-0")["error"] == "superseded by \(harness.prefix)-d-1")

        // A burst that never goes quiet still runs by debounce_max_ms after its first enqueue.
        let start = t0 + 10_000
        var ranAt: Int64?
        for n in 0..<20 where ranAt == nil {
            let at = start + Int64(n) * 150
            _ = try await add(unique("m-\(n)", key: "busy", policy: .debounce, debounce: 500, most: 1_200), at: at)
            if try await !claim(10, now: at + 100).jobs.isEmpty { ranAt = at + 100 }
        }
        let waited = try #require(ranAt) - start
        #expect(waited >= 1_200 && waited < 1_400, "ran \(waited) ms into a burst of enqueues every 150 ms")
    }

    @Test("a unique key without a policy is reject; debounce without debounce_ms is refused before anything is written")
    func rawProducerArguments() async throws {
        let client = try harness.client()
        func raw(_ id: String, policy: String, debounce: String = "") async throws -> RedisValue {
            let spec = #"{"handler":"h","id":"\#(id)","items":[1],"unique_key":"u"}"#
            return try await client.eval(QueueScripts.enqueue, arguments: [
                RedisArgument(harness.prefix), RedisArgument(String(UnixTime.nowMilliseconds())),
                RedisArgument(id), "default", "0", "", "5", RedisArgument(spec), "h", "", "", "u", RedisArgument(policy), RedisArgument(debounce), "",
            ])
        }
        #expect(try await raw("\(harness.prefix)-a", policy: "").array == [.integer(1)])
        #expect(try await raw("\(harness.prefix)-b", policy: "").array == [.integer(0)], "a second job with the key is a duplicate")
        await #expect(throws: UpstashError.self) { _ = try await raw("\(harness.prefix)-c", policy: "debounce") }
        #expect(try await queue.record(of: "\(harness.prefix)-a")["state"] == "ready", "the refused enqueue superseded nothing")
    }

    func slots(_ name: String, _ overlap: ScheduleOverlap, at slot: Int64) -> ScheduleSlots {
        let template = JobSpec(id: ScheduleSlots.idPlaceholder, handler: "h", work: .items([.integer(1)])).json
        var slots = ScheduleSlots(
            name: name, catchUpAll: false, jobTemplate: template, queue: "default", handler: "h", priority: 0, maxAttempts: 3, slots: [slot])
        slots.overlap = overlap
        return slots
    }

    @Test("schedule overlap: allow runs every slot, skip skips while the previous runs, queue_one lets one wait", arguments: ScheduleOverlap.allCases)
    func scheduleOverlap(_ overlap: ScheduleOverlap) async throws {
        let name = "\(harness.prefix)-\(overlap.rawValue)"
        let now = UnixTime.nowMilliseconds() / 1000
        let first = try await claim(10, schedules: [slots(name, overlap, at: now - 50)])
        #expect(first.jobs.count == 1)
        let second = try await claim(10, schedules: [slots(name, overlap, at: now - 30)])
        let third = try await claim(10, schedules: [slots(name, overlap, at: now - 10)])
        let id2 = "sched:\(name):\(now - 30)"
        let id3 = "sched:\(name):\(now - 10)"
        switch overlap {
        case .allow:
            #expect(second.jobs.map(\.id) == [id2] && third.jobs.map(\.id) == [id3])
        case .skip:
            #expect(second.overlapSkipped == [id2] && third.overlapSkipped == [id3] && second.jobs.isEmpty && third.jobs.isEmpty)
        case .queueOne:
            #expect(second.scheduled == [id2] && second.jobs.isEmpty, "\(second)")
            #expect(try await queue.record(of: id2)["state"] == "delayed")
            #expect(third.overlapSkipped == [id3], "one waits already")
            try await done(first.jobs)
            #expect(try await claim(10).jobs.map(\.id) == [id2])
        }
    }

    @Test("with limits on, a run of 100 keyed jobs is still one claim and one acknowledgement; an idle run one request")
    func requestsWithLimits() async throws {
        var registry = HandlerRegistry()
        registry.register("h", NoopHandler())
        var runner = try harness.runner(registry)
        runner.limits = limit(5, rate: .init(jobs: 1_000, period: .seconds(60)))
        var options = RunOptions()
        options.batch = 100
        let idle = await runner.run(options)
        #expect(idle.redisRequests == 1 && idle.redisCommands == 1)
        try await enqueue((0..<100).map { job("j-\($0)", key: "k\($0 % 20)") })
        let report = await runner.run(options)
        #expect(report.claimed == 100 && report.jobsCompleted == 100, "20 keys × 5")
        #expect(report.redisRequests == 2 && report.redisCommands == 2)
    }
}
