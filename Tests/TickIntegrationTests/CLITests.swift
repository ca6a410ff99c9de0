import Foundation
import Testing
import TickCore

/// The `tick` binary as users and cron run it: output, exit codes, and what ends up in Redis.
@Suite("tick CLI", .serialized)
struct CLITests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// The last stdout line parsed as a JSON object.
        var summary: [String: Any] {
            let line = stdout.split(separator: "\n").last.map(String.init) ?? ""
            return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }
    }

    let harness: RunnerHarness
    let environment: [String: String]

    init() throws {
        harness = try RunnerHarness()
        environment = harness.binaryEnvironment()
    }

    func tick(_ arguments: [String], environment overrides: [String: String] = [:], stdin: String? = nil) async throws -> Result {
        let output = try await runProcess(
            RunnerHarness.tickBinary, arguments + ["--log-format", "json"], environment: environment.merging(overrides) { $1 }, stdin: stdin)
        return Result(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    @Test("enqueue JSON lines (reporting duplicates and invalid lines), then drain to empty")
    func enqueueAndDrain() async throws {
        let p = harness.prefix
        let lines = (0..<30).map { #"{"id":"\#(p)-\#($0)","handler":"noop","items":[1,2,3]}"# } + [#"{"id":"\#(p)-0","handler":"noop","items":[1]}"#]
        let enqueued = try await tick(["enqueue", "--file", "-", "--chunk", "8"], stdin: lines.joined(separator: "\n"))
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        #expect(enqueued.summary["enqueued"] as? Int == 30)
        #expect(enqueued.summary["duplicates"] as? Int == 1)
        #expect(enqueued.summary["redis_requests"] as? Int == 4, "31 jobs in chunks of 8")
        #expect(enqueued.stderr.contains("duplicate id, not enqueued again: \(p)-0"))

        let invalid = try await tick(["enqueue", "--file", "-"], stdin: #"{"handler":"noop","items":"nope"}"# + "\n" + "not json\n")
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("line 1:") && invalid.stderr.contains("\"items\" must be an array"))
        #expect(invalid.stderr.contains("line 2: invalid job: the job is not valid JSON"))

        let drained = try await tick(["drain", "--batch", "7", "--max-batch", "7", "--runs-in-flight", "1"])
        #expect(drained.status == 0, "\(drained.stderr)")
        #expect(drained.summary["jobs_completed"] as? Int == 30)
        #expect(drained.summary["items_done"] as? Int == 90)
        #expect(drained.summary["runs"] as? Int == 5)
        #expect(drained.summary["redis_requests"] as? Int == 6, "the first claim, then one request per run: its acknowledgement and the next claim (the last finds nothing)")
        #expect(drained.summary["redis_commands"] as? Int == 11, "the same two billable commands per run as before: 5 × (ack + claim) + the first claim")
        #expect(drained.summary["stop_reason"] as? String == "empty")

        let job = try await tick(["job", "\(p)-3"])
        #expect(job.status == 0)
        let human = try await tick(["job", "\(p)-3", "--text"])
        #expect(human.stdout.contains("items       [####################] 3/3 done, 0 failed"), "\(human.stdout)")
        #expect(human.stdout.contains("redis       done · attempt 1/5"), "\(human.stdout)")
        let shown = job.summary
        #expect((shown["redis"] as? [String: Any])?["state"] as? String == "done")
        let checkpoint = shown["checkpoint"] as? [String: Any]
        #expect(checkpoint?["state"] as? String == "done")
        #expect(checkpoint?["items_done"] as? Int == 3)
        #expect(checkpoint?["items_total"] as? Int == 3)
    }

    @Test("a drain's batch grows while the backlog is deep: 30 jobs from --batch 2 in 6 runs (2, 2, 4, 8, 8, 6) and 7 requests")
    func drainBatchGrows() async throws {
        let p = harness.prefix
        let lines = (0..<30).map { #"{"id":"\#(p)-g\#($0)","handler":"noop","items":[1]}"# }
        let enqueued = try await tick(["enqueue", "--file", "-"], stdin: lines.joined(separator: "\n"))
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        let drained = try await tick(["drain", "--batch", "2", "--runs-in-flight", "1"])
        #expect(drained.status == 0, "\(drained.stderr)")
        #expect(drained.summary["jobs_completed"] as? Int == 30)
        #expect(drained.summary["runs"] as? Int == 6, "\(drained.stdout)")
        #expect(drained.summary["redis_requests"] as? Int == 7, "the first claim, then one request per run: \(drained.stdout)")
        let capped = try await tick(["drain", "--batch", "2", "--max-batch", "1001"])
        #expect(capped.status == 64 && capped.stderr.contains("--max-batch"), "\(capped.stderr)")
        for bad in ["0", "5", "two"] {
            let refused = try await tick(["drain", "--runs-in-flight", bad])
            #expect(refused.status == 64 && refused.stderr.contains("--runs-in-flight"), "\(bad): \(refused.stderr)")
        }
    }

    @Test("two runs in flight (the default): every job done once, one run working at a time, one request per run plus each chain's first claim")
    func drainTwoRunsInFlight() async throws {
        let p = harness.prefix
        // Each item appends its start and end to a log, so overlapping items would show.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tick-overlap-\(p).log")
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("tick-overlap-\(p).json")
        try #"{"handlers": {"step": {"kind": "exec", "command": ["sh", "-c", "echo start >> \#(log.path); sleep 0.02; echo end >> \#(log.path)"]}}}"#
            .write(to: config, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(at: config)
            try? FileManager.default.removeItem(at: log)
        }
        let lines = (0..<24).map { #"{"id":"\#(p)-o\#($0)","handler":"step","items":[1]}"# }
        #expect(try await tick(["enqueue", "--file", "-"], stdin: lines.joined(separator: "\n")).status == 0)
        let drained = try await tick(["drain", "--config", config.path, "--batch", "3", "--max-batch", "3", "--concurrency", "1"])
        #expect(drained.status == 0, "\(drained.stderr)")
        #expect(drained.summary["jobs_completed"] as? Int == 24 && drained.summary["items_done"] as? Int == 24, "\(drained.stdout)")
        #expect(drained.summary["runs"] as? Int == 8, "\(drained.stdout)")
        let requests = drained.summary["redis_requests"] as? Int ?? 0
        #expect(requests >= 9 && requests <= 10, "one per run, and the first claim of each chain: \(drained.stdout)")
        let steps = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(steps.count == 48 && steps.enumerated().allSatisfy { $0.element == ($0.offset % 2 == 0 ? "start" : "end") }, "items overlapped: \(steps)")
    }

    @Test("a drain stopped by --max-seconds hands back the batch it claimed for its next run: ready again, its attempt not counted")
    func drainHandsBackItsNextBatch() async throws {
        let p = harness.prefix
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("tick-slow-\(p).json")
        try #"{"handlers": {"slow": {"kind": "exec", "command": ["sh", "-c", "sleep 0.6"]}}}"#.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        for job in ["a", "b", "c"] {
            await #expect(try tick(["enqueue", "--handler", "slow", "--items", "1", "--id", "\(p)-\(job)"]).status == 0)
        }
        // The first run's item takes 0.6 s, so the drain is past --max-seconds when the run ends: the job its
        // acknowledgement claimed for the next run goes back.
        let drained = try await tick(["drain", "--config", config.path, "--batch", "1", "--max-seconds", "0.2"])
        #expect(drained.status == 0, "\(drained.stderr)")
        #expect(drained.summary["runs"] as? Int == 1 && drained.summary["stop_reason"] as? String == "max_seconds", "\(drained.stdout)")
        let jobs = try await tick(["jobs", "--state", "ready", "--json"])
        let listed = (try? JSONSerialization.jsonObject(with: Data(jobs.stdout.utf8))) as? [String: Any]
        let rows = listed?["jobs"] as? [[String: Any]] ?? []
        #expect(Set(rows.compactMap { $0["id"] as? String }) == ["\(p)-b", "\(p)-c"], "both ready again: \(jobs.stdout)")
        let attempt = rows.first { $0["id"] as? String == "\(p)-b" }?["attempt"] as? Int
        #expect(attempt == 0, "the handed-back claim is not an attempt: \(jobs.stdout)")
    }

    @Test("dead list shows the reason; retry puts a job back; purge --all needs --yes")
    func deadLetters() async throws {
        let p = harness.prefix
        // A handler whose command rejects its input for good (exit 65, EX_DATAERR).
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("tick-dead-\(p).json")
        try #"{"handlers": {"reject": {"kind": "exec", "command": ["sh", "-c", "echo bad input >&2; exit 65"]}}}"#.write(
            to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        _ = try await tick(["enqueue", "--handler", "reject", "--items", "1", "--id", "\(p)-d1"])
        _ = try await tick(["enqueue", "--handler", "reject", "--items", "1", "--id", "\(p)-d2"])
        let run = try await tick(["run", "--config", config.path])
        #expect(run.summary["jobs_dead"] as? Int == 2, "\(run.stdout) \(run.stderr)")
        let list = try await tick(["dead", "list", "--json"])
        #expect(list.summary["total"] as? Int == 2)
        #expect(list.stdout.contains("item 0 failed") && list.stdout.contains("bad input"), "\(list.stdout)")
        let retry = try await tick(["dead", "retry", "\(p)-d1"])
        #expect(retry.stdout.contains("1 job back to ready"))
        let record = try await tick(["job", "\(p)-d1"])
        #expect(record.stdout.contains(#""state":"ready""#))
        #expect(record.stdout.contains(#""attempt":"0""#))
        let refused = try await tick(["dead", "purge", "--all"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("add --yes to confirm"))
        let purged = try await tick(["dead", "purge", "--all", "--yes"])
        #expect(purged.stdout.contains("1 dead job purged"))
        await #expect(try tick(["dead", "list", "--json"]).summary["total"] as? Int == 0)
    }

    @Test("bad input and unreachable services: one clear message, a distinct exit code, nothing lost")
    func failures() async throws {
        let p = harness.prefix
        let wrongToken = try await tick(["run"], environment: ["UPSTASH_REDIS_REST_TOKEN": "not-the-token"])
        #expect(wrongToken.status == 77)
        #expect(wrongToken.stderr.contains("check UPSTASH_REDIS_REST_TOKEN"))
        #expect(!wrongToken.stderr.contains("not-the-token") && !wrongToken.stdout.contains("not-the-token"))

        let noURL = try await tick(["run"], environment: ["UPSTASH_REDIS_REST_URL": ""])
        #expect(noURL.status == 78)
        #expect(noURL.stderr.contains("UPSTASH_REDIS_REST_URL is not set"))

        let badDatabaseURL = try await tick(["run"], environment: ["DATABASE_URL": "postgresql://tick:s3cret-pw@127.0.0.1:notaport/x"])
        #expect(badDatabaseURL.status == 78)
        #expect(!badDatabaseURL.stderr.contains("s3cret-pw"))

        let badConfig = try await tick(["run", "--config", "/nonexistent/tick.json"])
        #expect(badConfig.status == 78)
        #expect(badConfig.stderr.contains("/nonexistent/tick.json"))

        let unreachableRedis = try await tick(["run", "--budget", "2"], environment: ["UPSTASH_REDIS_REST_URL": "http://127.0.0.1:9"])
        #expect(unreachableRedis.status == 69)
        #expect(unreachableRedis.stderr.contains("could not reach Upstash at 127.0.0.1:9"))

        _ = try await tick(["enqueue", "--handler", "noop", "--items", "2", "--id", "\(p)-kept"])
        let noPostgres = try await tick(["run"], environment: ["DATABASE_URL": "postgresql://tick:s3cret-pw@127.0.0.1:9/tick"])
        #expect(noPostgres.status == 79)
        #expect(noPostgres.summary["jobs_released"] as? Int == 1)
        #expect(!noPostgres.stderr.contains("s3cret-pw") && !noPostgres.stdout.contains("s3cret-pw"))
        let record = try await tick(["job", "\(p)-kept"])
        #expect(record.stdout.contains(#""state":"ready""#), "the claimed job was handed back, not lost")
        #expect(record.stdout.contains(#""attempt":"0""#), "a release does not count as an attempt")
    }

    @Test("enqueue: every enqueued id and every duplicate in the summary; 20 duplicates named, the rest counted; true line numbers after blank lines")
    func enqueueReports() async throws {
        let p = harness.prefix
        let first = (0..<25).map { #"{"id":"\#(p)-dup\#($0)","handler":"noop","items":[1]}"# }
        let once = try await tick(["enqueue", "--file", "-"], stdin: first.joined(separator: "\n"))
        #expect(once.status == 0 && (once.summary["ids"] as? [String])?.count == 25, "\(once.stdout)")
        let again = try await tick(["enqueue", "--file", "-"], stdin: (first + [#"{"id":"\#(p)-new","handler":"noop","items":[1]}"#]).joined(separator: "\n"))
        #expect(again.summary["ids"] as? [String] == ["\(p)-new"])
        #expect((again.summary["duplicate_ids"] as? [String])?.count == 25)
        let named = again.stderr.split(separator: "\n").filter { $0.contains("duplicate id, not enqueued again:") }
        #expect(named.count == 20, "\(again.stderr)")
        #expect(again.stderr.contains("and 5 more duplicate ids") && again.stderr.contains("tick: warning:"), "\(again.stderr)")

        let blank = try await tick(["enqueue", "--file", "-"], stdin: "\n\n" + #"{"handler":"noop","items":"nope"}"# + "\n")
        #expect(blank.status == 65 && blank.stderr.contains("line 3:"), "\(blank.stderr)")
    }

    @Test("--log-level debug and trace add the run's steps")
    func logLevels() async throws {
        let p = harness.prefix
        _ = try await tick(["enqueue", "--handler", "noop", "--items", "2", "--id", "\(p)-log"])
        let debug = try await tick(["run", "--log-level", "debug"])
        #expect(debug.status == 0)
        for message in ["\"claimed\"", "\"job started\"", "\"committed\"", "\"acknowledged\""] {
            #expect(debug.stderr.contains(message), "\(message) missing: \(debug.stderr)")
        }
        #expect(!debug.stderr.contains("\"item finished\""), "items are logged at trace only")
        _ = try await tick(["enqueue", "--handler", "noop", "--items", "2", "--id", "\(p)-trace"])
        let trace = try await tick(["run", "--log-level", "trace"])
        #expect(trace.stderr.contains("\"item finished\""), "\(trace.stderr)")
    }

    @Test("tick job against a database without tick's tables: exit 80, run tick migrate")
    func jobWithoutSchema() async throws {
        let scratch = try ScratchDatabase(prefix: harness.prefix)
        defer { scratch.drop() }
        let empty = scratch.url
        _ = try await tick(["enqueue", "--handler", "noop", "--items", "1", "--id", "\(harness.prefix)-noschema"])
        let job = try await tick(["job", "\(harness.prefix)-noschema"], environment: ["DATABASE_URL": empty])
        #expect(job.status == 80, "\(job.stdout) \(job.stderr)")
        #expect(job.stderr.contains("tick migrate"), "\(job.stderr)")
        let cost = try await tick(["stats", "--cost"], environment: ["DATABASE_URL": empty])
        #expect(cost.status == 80, "\(cost.stdout) \(cost.stderr)")
    }
}
