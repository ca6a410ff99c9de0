import Foundation
import Testing
import TickCore

/// `tick enqueue`'s flow-control flags: what they write to the job, and the combinations refused.
@Suite("tick enqueue flow flags", .serialized)
struct EnqueueFlowFlagsTests {
    let harness: RunnerHarness
    let environment: [String: String]

    init() throws {
        harness = try RunnerHarness()
        environment = harness.binaryEnvironment()
    }

    func tick(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let output = try await runProcess(RunnerHarness.tickBinary, arguments + ["--log-format", "json"], environment: environment)
        return (output.status, output.stdout, output.stderr)
    }

    @Test("the flags become the job's JSON fields and its hash's keys")
    func flagsBecomeFields() async throws {
        let id = "\(harness.prefix)-keyed"
        let done = try await tick([
            "enqueue", "--handler", "noop", "--items", "1", "--id", id, "--concurrency-key", "tenant-1", "--rate-key", "api",
            "--unique-key", "digest", "--debounce", "5000", "--debounce-max", "9000",
        ])
        #expect(done.status == 0, "\(done.stderr)")
        let record = try await harness.queue().record(of: id)
        let spec = try JobSpec(json: Array((record["spec"] ?? "").utf8))
        #expect(spec.flow == JobSpec.Flow(
            concurrencyKey: "tenant-1", rateKey: "api", uniqueKey: "digest", uniquePolicy: .debounce,
            debounceMilliseconds: 5000, debounceMaxMilliseconds: 9000))
        let text = record["spec"] ?? ""
        #expect(text.contains(#""unique_policy":"debounce""#) && text.contains(#""debounce_ms":5000"#), "\(text)")
        #expect(record["ckey"] == "tenant-1" && record["rkey"] == "api" && record["flow"] == "tenant-1", "\(record)")
        #expect(record["ukey"] == "digest" && record["upolicy"] == "debounce" && record["state"] == "delayed", "\(record)")

        let second = try await tick(["enqueue", "--handler", "noop", "--items", "1", "--id", "\(id)-2", "--unique-key", "digest"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("duplicate id, not enqueued again: \(id)-2"), "reject is the default policy: \(second.stderr)")
    }

    @Test("a bad combination exits 64 with one message and enqueues nothing")
    func badCombination() async throws {
        let refused = try await tick(["enqueue", "--handler", "noop", "--items", "1", "--id", "\(harness.prefix)-bad", "--debounce", "100"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--unique-policy, --debounce and --debounce-max need --unique-key"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("USAGE"), "one message, no usage block: \(refused.stderr)")
        #expect(try await harness.queue().record(of: "\(harness.prefix)-bad").isEmpty)

        let mismatch = try await tick(["enqueue", "--handler", "noop", "--items", "1", "--unique-key", "u", "--unique-policy", "reject", "--debounce", "5"])
        #expect(mismatch.status == 64)
        #expect(mismatch.stderr.contains("--debounce goes with --unique-policy debounce"), "\(mismatch.stderr)")
    }
}
