import Foundation
import Testing
import TickCore

/// Upstash's limit errors (a used-up request quota, an oversized request), which a local Redis cannot produce:
/// a scripted endpoint answers as Upstash does, and `tick` must exit 84 naming the limit, with nothing lost.
@Suite("Upstash limits", .serialized)
struct UpstashLimitTests {
    let environment: [String: String]

    init() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = try TestEnvironment.databaseURL()
        environment["UPSTASH_REDIS_REST_TOKEN"] = "limit-test-token"
        environment.removeValue(forKey: "TICK_CONFIG")
        self.environment = environment
    }

    func tick(_ arguments: [String], endpoint: ScriptedHTTPServer) async throws -> ProcessOutput {
        var environment = self.environment
        environment["UPSTASH_REDIS_REST_URL"] = endpoint.url
        return try await runProcess(RunnerHarness.tickBinary, arguments + ["--log-format", "json"], environment: environment)
    }

    @Test("a used-up daily quota: tick run exits 84, says which limit and when it resets, and claims nothing", arguments: [
        ("ERR max daily request limit exceeded", "00:00 UTC"), ("ERR max requests limit exceeded", "upgrade the plan"),
        ("ERR max request size exceeded", "lower --batch"),
    ])
    func runStopsAtALimit(error: String, advice: String) async throws {
        let endpoint = try ScriptedHTTPServer(replies: [.status(400, body: #"{"error":"\#(error)"}"#)])
        defer { endpoint.stop() }
        let run = try await tick(["run"], endpoint: endpoint)
        #expect(run.status == 84, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains(#""exit_reason":"upstash_limit""#), "\(run.stdout)")
        #expect(run.stderr.contains(String(error.dropFirst(4))) && run.stderr.contains(advice), "\(run.stderr)")
        #expect(run.stderr.contains("nothing claimed is lost"))
        #expect(endpoint.requests == 1, "a limit is not retried")
        #expect(!run.stderr.contains("limit-test-token") && !run.stdout.contains("limit-test-token"))
    }

    @Test("tick enqueue refused by a limit exits 84 too")
    func enqueueStopsAtALimit() async throws {
        let endpoint = try ScriptedHTTPServer(replies: [.status(400, body: #"{"error":"ERR max single record size exceeded"}"#)])
        defer { endpoint.stop() }
        let enqueue = try await tick(["enqueue", "--handler", "noop", "--item", "1"], endpoint: endpoint)
        #expect(enqueue.status == 84, "\(enqueue.stderr)")
        #expect(enqueue.stderr.contains("record size"), "\(enqueue.stderr)")
    }
}

extension UpstashLimitTests {
    @Test("tick doctor shows a used-up quota as an error naming the limit")
    func doctorShowsALimit() async throws {
        let endpoint = try ScriptedHTTPServer(replies: [.status(400, body: #"{"error":"ERR max daily request limit exceeded"}"#)])
        defer { endpoint.stop() }
        let doctor = try await tick(["doctor", "--jobs-per-day", "10"], endpoint: endpoint)
        #expect(doctor.status == 83, "\(doctor.stdout)")
        let line = doctor.stdout.split(separator: "\n").first { $0.hasPrefix("error") && $0.contains("daily request limit") }
        #expect(line != nil, "\(doctor.stdout)")
    }
}
