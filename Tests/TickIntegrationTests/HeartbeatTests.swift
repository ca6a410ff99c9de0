import Foundation
import Testing
import TickCore

/// The heartbeat every claim writes, against the real services: an idle run is still one request while the
/// heartbeat advances; `tick doctor --max-silence` turns into an error when runs stop and back when they resume;
/// a run by hand is recorded as manual and does not hide a stopped cron.
@Suite("heartbeat", .serialized)
struct HeartbeatTests {
    let harness: RunnerHarness
    let environment: [String: String]

    init() throws {
        harness = try RunnerHarness()
        environment = harness.binaryEnvironment()
    }

    func tick(_ arguments: [String]) async throws -> ProcessOutput {
        try await runProcess(RunnerHarness.tickBinary, arguments, environment: environment)
    }

    @Test("an idle run is one request and advances the heartbeat; the counters count it")
    func idleRunBeats() async throws {
        let queue = try harness.queue()
        let before = UnixTime.nowMilliseconds()
        let run = try await tick(["run", "--trigger", "cron", "--log-level", "critical"])
        #expect(run.stdout.contains(#""redis_requests":1"#) && run.stdout.contains(#""exit_reason":"idle""#), "\(run.stdout)")
        let (heartbeat, metrics) = try await queue.monitoring()
        let last = try #require(heartbeat.last)
        #expect(last >= before && heartbeat.lastTrigger == "cron" && heartbeat.byTrigger["cron"] == last)
        #expect(metrics["runs_total:cron"] == 1 && metrics["requests_total"] == 1 && metrics["commands_total"] == 1)
        _ = try await tick(["run", "--trigger", "manual", "--log-level", "critical"])
        let again = try await queue.monitoring()
        #expect(again.heartbeat.lastTrigger == "manual" && again.heartbeat.byTrigger["cron"] == last, "each trigger keeps its own time")
        #expect(again.metrics["runs_total:manual"] == 1)
    }

    @Test("tick doctor --max-silence 2: exit 83 after 3 s without a run, 0 after a run")
    func doctorSeesTheSilence() async throws {
        _ = try await tick(["run", "--log-level", "critical"])
        let fresh = try await tick(["doctor", "--max-silence", "2", "--jobs-per-day", "10"])
        #expect(fresh.status == 0 && fresh.stdout.contains("runs.last"), "\(fresh.stdout)")
        try await Task.sleep(for: .seconds(3))
        let silent = try await tick(["doctor", "--max-silence", "2", "--jobs-per-day", "10"])
        #expect(silent.status == 83 && silent.stdout.contains("(allowed: 2 s)") && silent.stdout.contains("no run for "), "\(silent.stdout)")
        _ = try await tick(["run", "--log-level", "critical"])
        let back = try await tick(["doctor", "--max-silence", "2", "--jobs-per-day", "10", "--json"])
        #expect(back.status == 0, "\(back.stdout)")
    }

    @Test("the counters follow the runs: jobs, items and the duration histogram, once per acknowledgement")
    func countersFollowRuns() async throws {
        let queue = try harness.queue()
        _ = try await tick(["enqueue", "--handler", "noop", "--items", "3", "--id", "\(harness.prefix)-a"])
        _ = try await tick(["enqueue", "--handler", "noop", "--items", "2", "--id", "\(harness.prefix)-b"])
        _ = try await tick(["run", "--trigger", "cron", "--log-level", "critical"])
        let metrics = try await queue.monitoring().metrics
        #expect(metrics["jobs_total:done"] == 2 && metrics["items_total:done"] == 5 && metrics["items_total:failed"] == 0)
        #expect(metrics["requests_total"] == 2 && metrics["commands_total"] == 2, "the claim and the acknowledgement")
        #expect(metrics["run_seconds_count"] == 1 && metrics.durationHistogram.last?.count == 1)
    }
}
