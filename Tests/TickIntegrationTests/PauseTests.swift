import Foundation
import Testing
import TickCore

/// `tick pause` / `tick resume` as an operator uses them, against the real gateway, redis-server and PostgreSQL.
@Suite("pause and resume", .serialized)
struct PauseTests {
    let harness: RunnerHarness
    let environment: [String: String]

    init() throws {
        harness = try RunnerHarness()
        environment = harness.binaryEnvironment()
    }

    func tick(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String, summary: [String: Any]) {
        let output = try await runProcess(RunnerHarness.tickBinary, arguments + ["--log-format", "json"], environment: environment)
        let line = output.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let summary = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        return (output.status, output.stdout, output.stderr, summary)
    }

    @Test("a paused queue is skipped by the claim at no extra request; enqueueing still works; resume brings it back")
    func pauseOneQueue() async throws {
        let p = harness.prefix
        _ = try await tick(["enqueue", "--handler", "noop", "--queue", "mail", "--items", "1", "--id", "\(p)-m1"])
        _ = try await tick(["enqueue", "--handler", "noop", "--queue", "default", "--items", "1", "--id", "\(p)-d1"])
        let paused = try await tick(["pause", "mail"])
        #expect(paused.status == 0 && paused.stdout.contains("paused: mail"), "\(paused.stderr)")
        let queued = try await tick(["enqueue", "--handler", "noop", "--queue", "mail", "--items", "1", "--id", "\(p)-m2"])
        #expect(queued.status == 0, "a paused queue still takes jobs")

        let run = try await tick(["run", "--queue", "mail", "--queue", "default"])
        #expect(run.status == 0 && run.summary["jobs_completed"] as? Int == 1, "\(run.stdout)")
        #expect(run.summary["redis_requests"] as? Int == 2, "claim and acknowledge: the pause costs no request")
        let record = try await harness.queue().record(of: "\(p)-m1")
        #expect(record["state"] == "ready" && record["attempt"] == "0", "\(record)")

        let stats = try await tick(["stats", "--json"])
        #expect(stats.stdout.contains(#""paused":true"#) && stats.stdout.contains(#""queue":"mail""#), "\(stats.stdout)")
        let doctor = try await runProcess(RunnerHarness.tickBinary, ["doctor", "--jobs-per-day", "10"], environment: environment)
        #expect(doctor.stdout.contains("paused (tick pause)"), "\(doctor.stdout)")

        await #expect(try tick(["resume", "mail"]).stdout.contains("resumed: mail"))
        let after = try await tick(["run", "--queue", "mail"])
        #expect(after.summary["jobs_completed"] as? Int == 2, "\(after.stdout)")
    }

    @Test("pause --all pauses every queue, new ones too; resume of one queue says --all still holds; resume --all lifts it")
    func pauseAll() async throws {
        let p = harness.prefix
        await #expect(try tick(["pause", "--all"]).status == 0)
        _ = try await tick(["enqueue", "--handler", "noop", "--queue", "fresh", "--items", "1", "--id", "\(p)-f1"])
        let run = try await tick(["run", "--queue", "fresh"])
        #expect(run.summary["claimed"] as? Int == 0 && run.summary["redis_requests"] as? Int == 1, "\(run.stdout)")
        let one = try await tick(["resume", "fresh"])
        #expect(one.stderr.contains("still paused by tick pause --all"), "\(one.stderr)")
        await #expect(try tick(["resume", "--all"]).stdout.contains("every queue resumed"))
        await #expect(try tick(["run", "--queue", "fresh"]).summary["jobs_completed"] as? Int == 1)
        let bad = try await tick(["pause"])
        #expect(bad.status == 64 && bad.stderr.contains("or --all"))
    }
}
