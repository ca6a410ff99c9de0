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
        let kills = Int(ProcessInfo.processInfo.environment["TICK_TEST_KILLS"] ?? "") ?? 50
        try await killLoop(command: ["run", "--batch", "1"], kills: kills, itemsPerJob: 100, waiting: 1)
    }

    /// A drain chains its runs (each acknowledgement claims the next batch, which grows): killed anywhere, also
    /// while it holds a batch claimed for its next run, nothing is lost or recorded twice.
    @Test("drains killed at random points, also between an acknowledgement-and-claim and the next run, lose nothing")
    func drainKillLoop() async throws {
        let kills = (Int(ProcessInfo.processInfo.environment["TICK_TEST_KILLS"] ?? "") ?? 50) / 4
        try await killLoop(command: ["drain", "--batch", "2", "--max-batch", "4"], kills: kills, itemsPerJob: 2, waiting: 16)
    }

    private func killLoop(command: [String], kills: Int, itemsPerJob: Int, waiting: Int) async throws {
        let harness = try RunnerHarness()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tick-kill-\(harness.prefix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("executions.log").path
        let config = directory.appendingPathComponent("tick.json").path
        try #"{"handlers": {"work": {"kind": "exec", "command": ["/bin/sh", "-c", "sleep 0.05; echo \"$TICK_JOB_ID $TICK_ITEM_INDEX\" >> \"$KILL_LOG\""], "env": {"KILL_LOG": "\#(log)"}}}}"#
            .write(toFile: config, atomically: true, encoding: .utf8)

        let queue = try harness.queue()
        var jobCount = 0
        /// Keeps `waiting` jobs waiting, so that every kill lands in the middle of real work.
        func keepWorkQueued() async throws {
            let stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }
            let missing = waiting - (stats?.ready ?? 0) - (stats?.leased ?? 0)
            guard missing > 0 else { return }
            let jobs = (jobCount..<jobCount + missing).map { JobSpec.items("\(harness.prefix)-\($0)", count: itemsPerJob, handler: "work", maxAttempts: 1000) }
            _ = try await queue.enqueue(jobs, nowMilliseconds: UnixTime.nowMilliseconds())
            jobCount += missing
        }

        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = harness.databaseURL
        let arguments = command + ["--prefix", harness.prefix, "--config", config, "--budget", "1.0", "--lease-margin", "0.2", "--concurrency", "1", "--log-level", "critical"]
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
        #expect(items.values.allSatisfy { $0.count == itemsPerJob && $0.values.allSatisfy { $0.state == "done" } }, "every item recorded done exactly once")
        let stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }
        #expect(stats?.dead == 0)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        let repeats = Dictionary(grouping: lines, by: { $0 }).values.reduce(0) { $0 + $1.count - 1 }
        #expect(lateWrites == 0, "after \(lateWrites) of \(killed) kills, a killed run's child still wrote its side effect")
        // Per kill: the items finished within the 50 ms commit window (items take ≥ 50 ms, so 1, or 2 with the
        // commit in flight); the item in flight is killed before its side effect.
        #expect(repeats <= killed * 2, "\(repeats) side effects happened twice over \(killed) kills")
        print("resume-after-kill (tick \(command[0])): \(killed) kills in \(attempts) runs, \(lines.count) side effects for \(jobCount * itemsPerJob) items, \(repeats) twice, \(lateWrites) after a kill")
    }
}
