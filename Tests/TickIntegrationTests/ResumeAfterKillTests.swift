import Foundation
import Testing
import TickCore

/// The `tick` binary killed with SIGKILL at random instants, with the real `exec` handler whose items sleep
/// 50 ms and then append their line (the side effect), so a child is in flight at nearly every kill: the next
/// runs finish every job, each item is recorded done once, no killed run's child writes after the run died
/// (its supervisor kills it), and only items finished inside the group-commit window before a kill did their
/// side effect twice.
@Suite("Resume after SIGKILL", .serialized)
struct ResumeAfterKillTests {
    @Test("runs killed at random points are resumed by the next run without redoing recorded items")
    func killLoop() async throws {
        let harness = try RunnerHarness()
        let kills = Int(ProcessInfo.processInfo.environment["TICK_TEST_KILLS"] ?? "") ?? 50
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tick-kill-\(harness.prefix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("executions.log").path
        let config = directory.appendingPathComponent("tick.json").path
        try #"{"handlers": {"work": {"kind": "exec", "command": ["/bin/sh", "-c", "sleep 0.05; echo \"$TICK_JOB_ID $TICK_ITEM_INDEX\" >> \"$KILL_LOG\""], "env": {"KILL_LOG": "\#(log)"}}}}"#
            .write(toFile: config, atomically: true, encoding: .utf8)

        let queue = try harness.queue()
        var jobCount = 0
        /// Keeps a job waiting, so that every kill lands in the middle of real work.
        func keepWorkQueued() async throws {
            let stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }
            guard (stats?.ready ?? 0) + (stats?.leased ?? 0) == 0 else { return }
            _ = try await queue.enqueue([.items("\(harness.prefix)-\(jobCount)", count: 100, handler: "work", maxAttempts: 1000)], nowMilliseconds: UnixTime.nowMilliseconds())
            jobCount += 1
        }

        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = harness.databaseURL
        let arguments = ["run", "--prefix", harness.prefix, "--config", config, "--budget", "1.0", "--lease-margin", "0.2", "--concurrency", "1", "--batch", "1", "--log-level", "critical"]
        func start() throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: RunnerHarness.tickBinary)
            process.arguments = arguments
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }

        /// The side-effect log's size now.
        func logSize() -> Int { ((try? FileManager.default.attributesOfItem(atPath: log)[.size]) as? Int) ?? 0 }
        var killed = 0
        var attempts = 0
        var lateWrites = 0
        while killed < kills, attempts < kills * 3 {
            attempts += 1
            try await keepWorkQueued()
            let process = try start()
            // From 5 ms (start-up, the claim request in flight) to 900 ms (items, commits; the ack at the budget).
            try await Task.sleep(for: .milliseconds(Int.random(in: 5...900)))
            guard process.isRunning else { continue }  // it finished its job first
            kill(process.processIdentifier, SIGKILL)
            // A child that finished its sleep as tick died may still append: give its supervisor 30 ms.
            try await Task.sleep(for: .milliseconds(30))
            let sizeAfterKill = logSize()
            try await process.exited()
            killed += 1
            try await Task.sleep(for: .milliseconds(1270))  // let the killed run's lease (1.2 s) expire
            if logSize() != sizeAfterKill { lateWrites += 1 }  // no run is alive: only an orphan could write
        }
        // Then runs to completion.
        for _ in 0..<40 {
            let process = try start()
            try await process.exited()
            let stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }
            if let stats, stats.ready + stats.leased + stats.delayed == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }

        let items = try harness.items()
        #expect(killed >= kills, "only \(killed) of \(attempts) runs were killed mid-work")
        #expect(items.count == jobCount)
        #expect(items.values.allSatisfy { $0.count == 100 && $0.values.allSatisfy { $0.state == "done" } }, "every item recorded done exactly once")
        let stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }
        #expect(stats?.dead == 0)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        let repeats = Dictionary(grouping: lines, by: { $0 }).values.reduce(0) { $0 + $1.count - 1 }
        #expect(lateWrites == 0, "after \(lateWrites) of \(killed) kills, a killed run's child still wrote its side effect")
        // Per kill: the items finished within the 50 ms commit window (items take ≥ 50 ms, so 1, or 2 with the
        // commit in flight); the item in flight is killed before its side effect.
        #expect(repeats <= killed * 2, "\(repeats) side effects happened twice over \(killed) kills")
        print("resume-after-kill: \(killed) kills in \(attempts) runs, \(lines.count) side effects for \(jobCount * 100) items, \(repeats) twice, \(lateWrites) after a kill")
    }
}
