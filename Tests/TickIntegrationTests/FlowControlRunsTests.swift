import Foundation
import Testing
import TickCore

/// Flow control as deployed: `tick` processes claiming concurrently with a tick.json that declares limits, an
/// `exec` handler that logs when each job starts and ends, and runs killed with SIGKILL.
@Suite("flow control across processes", .serialized)
struct FlowControlRunsTests {
    let harness: RunnerHarness
    let folder: URL
    let log: URL

    init() throws {
        harness = try RunnerHarness()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tick-flow-\(harness.prefix)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        log = folder.appendingPathComponent("events.log")
    }

    /// A tick.json whose handler `w` logs `s|e JOB_ID NANOSECONDS` around a sleep, under `limits`.
    func writeConfig(sleep: String, limits: String) throws -> [String: String] {
        let script = "echo \"s $TICK_JOB_ID $(date +%s%N)\" >> \(log.path); sleep \(sleep); echo \"e $TICK_JOB_ID $(date +%s%N)\" >> \(log.path)"
        let config = #"{"handlers": {"w": {"kind": "exec", "command": ["sh", "-c", "\#(script.replacingOccurrences(of: "\"", with: "\\\""))"], "limits": \#(limits)}}}"#
        let path = folder.appendingPathComponent("tick.json")
        try config.write(to: path, atomically: true, encoding: .utf8)
        var environment = harness.binaryEnvironment()
        environment["TICK_CONFIG"] = path.path
        return environment
    }

    func enqueue(_ ids: [(id: String, key: String)]) async throws {
        let jobs = ids.map { pair -> JobSpec in
            var spec = JobSpec(id: pair.id, handler: "w", work: .items([.integer(1)]))
            spec.flow.concurrencyKey = pair.key
            return spec
        }
        _ = try await harness.queue().enqueue(jobs, nowMilliseconds: UnixTime.nowMilliseconds())
    }

    /// The most jobs of each key that ran at once, from the log's start and end times, and over all keys.
    func peaks(keyOf: (String) -> String) throws -> (perKey: [String: Int], overall: Int, finished: Int) {
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        let events = lines.compactMap { line -> (Int, Int, String)? in
            let f = line.split(separator: " ")
            guard f.count == 3, let at = Int(f[2]) else { return nil }
            return (at, f[0] == "s" ? 1 : -1, String(f[1]))
        }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var now: [String: Int] = [:]
        var peak: [String: Int] = [:]
        var all = 0
        var allPeak = 0
        for (_, change, id) in events {
            let key = keyOf(id)
            now[key, default: 0] += change
            all += change
            peak[key] = max(peak[key] ?? 0, now[key] ?? 0)
            allPeak = max(allPeak, all)
        }
        return (peak, allPeak, events.filter { $0.1 == -1 }.count)
    }

    @Test("8 runs claiming at once: no key ever has more jobs running than its limit, measured from the handler's own log")
    func eightConcurrentRuns() async throws {
        let environment = try writeConfig(
            sleep: "0.2", limits: #"{"per_key_concurrency": 2, "keys": {"k3": {"per_key_concurrency": 1}}}"#)
        let ids = (0..<4).flatMap { key in (0..<8).map { n in (id: "\(harness.prefix)-k\(key)-\(n)", key: "k\(key)") } }
        try await enqueue(ids)
        for _ in 0..<20 {
            _ = await runConcurrently(8) { _ in
                try runProcessBlocking(RunnerHarness.tickBinary, ["drain", "--batch", "3", "--log-level", "critical"], environment: environment)
            }
            if try peaks(keyOf: { _ in "" }).finished >= ids.count { break }
        }
        let (perKey, overall, finished) = try peaks { String($0.split(separator: "-")[1]) }
        print("flow: 32 jobs by 8 concurrent runs: most running at once per key \(perKey.sorted { $0.key < $1.key }), overall \(overall)")
        #expect(finished == 32, "every job ran once")
        #expect(perKey["k0"] ?? 0 <= 2 && perKey["k1"] ?? 0 <= 2 && perKey["k2"] ?? 0 <= 2 && perKey["k3"] ?? 0 <= 1, "\(perKey)")
        #expect(overall > 2, "the runs did overlap (\(overall) jobs at once), so the limits were tested")
    }

    @Test("runs killed with SIGKILL leak no running count: after the lease the key's count is 0 and its jobs run again")
    func killedRunsLeakNothing() async throws {
        let environment = try writeConfig(sleep: "30", limits: #"{"per_key_concurrency": 1}"#)
        try await enqueue((0..<3).map { (id: "\(harness.prefix)-x-\($0)", key: "x") })
        // Budget 2 s, lease margin 1 s: killed at 1 s, the lease ends 3 s after the claim.
        _ = await runConcurrently(2) { _ in
            try runProcessBlocking(RunnerHarness.tickBinary, ["run", "--budget", "2", "--lease-margin", "1", "--log-level", "critical"], environment: environment, killAfter: 1)
        }
        let client = try harness.client()
        let running = try harness.queue().keys.running(scope: "h:w", key: "x")
        let before = try await client.send(RedisCommand("ZCARD", RedisArgument(running))).int
        #expect(before == 1, "one run held the key's one place when killed")
        try await Task.sleep(for: .milliseconds(3_200))
        let live = try await client.send(RedisCommand("ZCOUNT", RedisArgument(running), RedisArgument(String(UnixTime.nowMilliseconds())), "+inf")).int
        #expect(live == 0, "after the lease, no running job counts")
        // The next run takes the lease back and runs the key's jobs, one at a time, to the end.
        let quick = try writeConfig(sleep: "0", limits: #"{"per_key_concurrency": 1}"#)
        let drained = try await runProcess(RunnerHarness.tickBinary, ["drain", "--log-level", "critical"], environment: quick)
        #expect(drained.status == 0, "\(drained.stderr)")
        let stats = try await harness.queue().stats(nowMilliseconds: UnixTime.nowMilliseconds())
        #expect(stats.first?.ready == 0 && stats.first?.leased == 0 && stats.first?.delayed == 0, "\(stats)")
        #expect(try await client.send(RedisCommand("ZCARD", RedisArgument(running))).int == 0)
    }
}
