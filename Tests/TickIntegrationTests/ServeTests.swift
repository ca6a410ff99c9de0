import Foundation
import Testing
import TickCore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `tick-serve` binary (and `tick serve`, which execs it) on loopback, driven with real HTTP:
/// auth, the run summary, the schedule header in the runs table, the budget cap, the concurrency cap,
/// SIGTERM during a run, and start-up errors.
@Suite("tick serve", .serialized)
struct ServeTests {
    static let secret = "serve-test-secret-8f3a"

    let harness: RunnerHarness
    let environment: [String: String]

    init() throws {
        harness = try RunnerHarness()
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = harness.databaseURL
        environment["TICK_PREFIX"] = harness.prefix
        environment["CRON_SECRET"] = Self.secret
        environment.removeValue(forKey: "TICK_CONFIG")
        environment.removeValue(forKey: "TICK_SERVE_BIN")
        self.environment = environment
    }

    /// The built `tick-serve`, beside `tick`.
    static var serveBinary: String {
        URL(fileURLWithPath: RunnerHarness.tickBinary).deletingLastPathComponent().appendingPathComponent("tick-serve").path
    }

    // MARK: - A running server

    /// A `tick-serve` process listening on an ephemeral port.
    final class Server: Sendable {
        let process: Process
        let port: Int
        let stderrPath: String

        init(process: Process, port: Int, stderrPath: String) {
            self.process = process
            self.port = port
            self.stderrPath = stderrPath
        }

        /// Everything the server logged so far.
        var log: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        /// SIGTERM, then waits for the exit; returns the exit status.
        @discardableResult
        func stop() -> Int32 {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            process.waitUntilExit()
            return process.terminationStatus
        }

        deinit {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(atPath: stderrPath)
        }
    }

    /// Starts the server (`tick-serve`, or `tick serve` when `throughTick`) with `--port 0` and waits for
    /// its `listening on http://127.0.0.1:PORT` line.
    func startServer(_ arguments: [String], throughTick: Bool = false, environment overrides: [String: String] = [:]) throws -> Server {
        let stderrPath = FileManager.default.temporaryDirectory.appendingPathComponent("tick-serve-\(harness.prefix)-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: throughTick ? RunnerHarness.tickBinary : Self.serveBinary)
        process.arguments = (throughTick ? ["serve"] : []) + ["--port", "0", "--log-format", "text"] + arguments
        process.environment = environment.merging(overrides) { $1 }
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let log = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            if let match = log.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/), let port = Int(match.1) {
                return Server(process: process, port: port, stderrPath: stderrPath)
            }
            if !process.isRunning { break }
            usleep(20_000)
        }
        let log = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        Issue.record("tick-serve did not start listening: \(log)")
        throw ServerDidNotStart()
    }

    struct ServerDidNotStart: Error {}

    // MARK: - HTTP

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
        /// The body parsed as a JSON object.
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    /// A session that never follows redirects, so a 3xx would be seen as such.
    final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
            completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 8
        configuration.timeoutIntervalForRequest = 60
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    /// One request; `secret` nil sends no Authorization header.
    func send(
        _ server: Server, _ target: String = "/api/cron/tick", method: String = "GET", secret: String? = ServeTests.secret,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        let url = try #require(URL(string: "http://127.0.0.1:\(server.port)\(target)"))
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let secret { request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return Reply(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
    }

    // MARK: - Helpers on the queue

    func record(_ id: String) async throws -> [String: String] {
        try await harness.queue().record(of: id)
    }

    /// The default queue's counts.
    func stats() async throws -> QueueStats {
        try #require(try await harness.queue().stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" })
    }

    func enqueue(_ jobs: [JobSpec]) async throws {
        let added = try await harness.queue().enqueue(jobs, nowMilliseconds: UnixTime.nowMilliseconds())
        #expect(added.allSatisfy { $0 })
    }

    static func sleepJob(_ id: String, items: Int, ms: Int = 1500) -> JobSpec {
        JobSpec(id: id, handler: "sleep", work: .items(Array(repeating: .object(["ms": .integer(Int64(ms))]), count: items)))
    }

    // MARK: - Tests

    @Test("401 without or with a wrong secret and nothing claimed; 200 with the summary; the schedule header recorded")
    func authAndSummary() async throws {
        let p = harness.prefix
        try await enqueue([.items("\(p)-a", count: 3, handler: "noop"), .items("\(p)-b", count: 3, handler: "noop")])
        let server = try startServer([])
        defer { server.stop() }

        let unauthenticated = [
            try await send(server, secret: nil),
            try await send(server, secret: "wrong-\(Self.secret)"),
            try await send(server, secret: String(Self.secret.dropLast())),
            try await send(server, secret: ""),
            try await send(server, method: "POST", secret: nil, headers: ["Authorization": Self.secret]),
            try await send(server, secret: nil, headers: ["Authorization": "Basic \(Self.secret)"]),
        ]
        for reply in unauthenticated {
            #expect(reply.status == 401, "\(reply.body)")
            #expect(reply.json["error"] is String)
            #expect(reply.headers["content-type"] == "application/json")
        }
        for id in ["\(p)-a", "\(p)-b"] {
            let untouched = try await record(id)
            #expect(untouched["state"] == "ready", "no run claimed \(id)")
            #expect(untouched["fence"] == "0", "no run ever leased \(id)")
        }

        let schedule = "*/5 * * * *"
        let reply = try await send(server, method: "POST", headers: ["x-vercel-cron-schedule": schedule, "User-Agent": "vercel-cron/1.0"])
        #expect(reply.status == 200, "\(reply.body)")
        let summary = reply.json
        #expect(summary["trigger"] as? String == "http")
        #expect(summary["jobs_completed"] as? Int == 2)
        #expect(summary["items_done"] as? Int == 6)
        #expect(summary["exit_code"] as? Int == 0)
        let runID = try #require(summary["run_id"] as? Int)
        let connection = try harness.postgres()
        defer { connection.close() }
        let rows = try connection.query("SELECT trigger, schedule FROM tick_runs WHERE run_id = $1", [.text(String(runID))])
        let row = try #require(rows.first)
        #expect(try row.string("trigger") == "http")
        #expect(try row.string("schedule") == schedule)
        #expect(try await record("\(p)-a")["state"] == "done")

        // Lower-case scheme, GET: accepted; nothing left, so idle (no runs row).
        let idle = try await send(server, secret: nil, headers: ["Authorization": "bearer \(Self.secret)"])
        #expect(idle.status == 200)
        #expect(idle.json["exit_reason"] as? String == "idle")

        // No redirects, exact paths, /healthz without auth.
        let health = try await send(server, "/healthz", secret: nil)
        #expect(health.status == 200)
        #expect(health.body.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"ok":true}"#)
        #expect(try await send(server, "/api/cron/tick/").status == 404, "a trailing slash is a 404, never a redirect")
        #expect(try await send(server, "/api/cron").status == 404)
        #expect(try await send(server, "/").status == 404)
        let put = try await send(server, method: "PUT")
        #expect(put.status == 405)
        #expect(put.headers["allow"] == "GET, POST")

        // The secret and the Authorization header never reach the log.
        #expect(server.stop() == 0)
        #expect(!server.log.contains(Self.secret))
        #expect(server.log.contains("http.status=401"))
    }

    @Test("?budget= lowers or raises the budget up to --max-budget (clamped); a malformed value is a 400; through `tick serve`")
    func budgetCap() async throws {
        let server = try startServer(["--budget", "5", "--max-budget", "8"], throughTick: true)
        defer { server.stop() }
        let cases: [(String, Int)] = [("", 5000), ("?budget=2", 2000), ("?budget=7.5", 7500), ("?budget=999", 8000), ("?budget=8", 8000)]
        for (query, expected) in cases {
            let reply = try await send(server, "/api/cron/tick\(query)")
            #expect(reply.status == 200, "\(query): \(reply.body)")
            #expect(reply.json["budget_ms"] as? Int == expected, "\(query)")
        }
        for query in ["?budget=abc", "?budget=", "?budget=0.1", "?budget=-3", "?budget=nan", "?budget=inf"] {
            let reply = try await send(server, "/api/cron/tick\(query)")
            #expect(reply.status == 400, "\(query): \(reply.body)")
            #expect(reply.json["error"] is String)
        }
        // A bad budget from an unauthenticated client is a 401: auth comes first.
        #expect(try await send(server, "/api/cron/tick?budget=abc", secret: nil).status == 401)
    }

    @Test("over --max-concurrent-ticks: 429 with Retry-After and no run; /healthz still answers")
    func concurrencyCapRefuses() async throws {
        let p = harness.prefix
        try await enqueue([Self.sleepJob("\(p)-slow", items: 1), Self.sleepJob("\(p)-waiting", items: 1)])
        let server = try startServer(["--max-concurrent-ticks", "1", "--batch", "1"])
        defer { server.stop() }
        async let first = send(server)
        try await waitUntil { try await stats().leased == 1 }
        let refused = try await send(server)
        #expect(refused.status == 429, "\(refused.body)")
        #expect(refused.headers["retry-after"] == "5")
        #expect(refused.json["error"] is String)
        #expect(try await send(server, "/healthz").status == 200)
        let during = try await stats()
        // The waiting job is untouched: the refused request claimed nothing. (The first tick's job may already
        // be done under load, so its state is not asserted here.)
        #expect(during.ready == 1, "the refused request claimed nothing")
        let done = try await first
        #expect(done.status == 200, "\(done.body)")
        #expect(done.json["jobs_completed"] as? Int == 1)
        // The slot is free again.
        let next = try await send(server)
        #expect(next.status == 200)
        #expect(next.json["jobs_completed"] as? Int == 1)
    }

    @Test("overlapping requests under the cap each run a tick; the queue's leases keep them apart")
    func concurrentRequestsUnderCap() async throws {
        let p = harness.prefix
        try await enqueue([Self.sleepJob("\(p)-1", items: 1), Self.sleepJob("\(p)-2", items: 1)])
        let server = try startServer(["--max-concurrent-ticks", "2", "--batch", "1"])
        defer { server.stop() }
        async let a = send(server)
        async let b = send(server)
        let replies = try await [a, b]
        #expect(replies.allSatisfy { $0.status == 200 }, "\(replies.map(\.body))")
        #expect(replies.map { $0.json["jobs_completed"] as? Int ?? -1 } == [1, 1])
        // The two runs overlapped in time: each started before the other ended.
        let spans = replies.map { reply in
            let start = reply.json["started_at_ms"] as? Int ?? 0
            return (start, start + (reply.json["duration_ms"] as? Int ?? 0))
        }
        #expect(spans[0].0 < spans[1].1 && spans[1].0 < spans[0].1, "the two ticks ran at once: \(spans)")
        #expect(try await record("\(p)-1")["state"] == "done")
        #expect(try await record("\(p)-2")["state"] == "done")
    }

    @Test("SIGTERM during a run: the run is cancelled, answers, hands its job back; the server exits 0; nothing lost")
    func sigtermHandsBack() async throws {
        let p = harness.prefix
        let id = "\(p)-long"
        try await enqueue([Self.sleepJob(id, items: 4, ms: 1000)])
        let server = try startServer(["--concurrency", "1"])
        defer { server.stop() }
        async let reply = send(server)
        // Wait until one item is recorded done, then stop the server mid-run.
        try await waitUntil(timeout: .seconds(10)) { try harness.items()[id]?.values.contains { $0.state == "done" } == true }
        kill(server.process.processIdentifier, SIGTERM)
        let interrupted = try await reply
        #expect(interrupted.status == 500, "\(interrupted.body)")
        #expect(interrupted.json["exit_reason"] as? String == "interrupted")
        #expect(interrupted.json["jobs_released"] as? Int == 1)
        try await server.process.exited()
        #expect(server.process.terminationStatus == 0, "\(server.log)")
        #expect(server.log.contains("shutting down"))

        let handedBack = try await record(id)
        #expect(handedBack["state"] == "ready", "handed back at once, not left leased until the lease expires")
        #expect(handedBack["attempt"] == "0", "a hand-back is not an attempt")
        let doneBefore = try harness.items()[id]?.values.filter { $0.state == "done" }.count ?? 0
        #expect(doneBefore >= 1 && doneBefore < 4)

        // The next tick resumes it and redoes nothing recorded.
        let next = try startServer(["--concurrency", "2"])
        defer { next.stop() }
        let resumed = try await send(next)
        #expect(resumed.status == 200, "\(resumed.body)")
        #expect(resumed.json["jobs_completed"] as? Int == 1)
        #expect(resumed.json["items_done"] as? Int == 4 - doneBefore)
        #expect(try await record(id)["state"] == "done")
    }

    @Test("start-up: no CRON_SECRET is refused (78) unless --insecure-no-auth; config errors exit 78, bad flags 64")
    func startupErrors() async throws {
        let noSecret = try await runToExit(Self.serveBinary, [], environment: ["CRON_SECRET": ""])
        #expect(noSecret.status == 78)
        #expect(noSecret.stderr.contains("CRON_SECRET is not set"))

        let open = try startServer(["--insecure-no-auth"], environment: ["CRON_SECRET": ""])
        defer { open.stop() }
        let idle = try await send(open, secret: nil)
        #expect(idle.status == 200)
        #expect(idle.json["exit_reason"] as? String == "idle")
        #expect(open.log.contains("authentication is OFF"))

        let noRedis = try await runToExit(Self.serveBinary, [], environment: ["UPSTASH_REDIS_REST_URL": ""])
        #expect(noRedis.status == 78)
        #expect(noRedis.stderr.contains("UPSTASH_REDIS_REST_URL is not set"))
        let badDatabase = try await runToExit(Self.serveBinary, [], environment: ["DATABASE_URL": "postgresql://tick:s3cret-pw@127.0.0.1:notaport/x"])
        #expect(badDatabase.status == 78)
        #expect(!badDatabase.stderr.contains("s3cret-pw"))
        let badConfig = try await runToExit(Self.serveBinary, ["--config", "/nonexistent/tick.json"])
        #expect(badConfig.status == 78)
        #expect(badConfig.stderr.contains("/nonexistent/tick.json"))
        let badFlags = try await runToExit(Self.serveBinary, ["--budget", "10", "--max-budget", "5"])
        #expect(badFlags.status == 64)
        #expect(badFlags.stderr.contains("--max-budget"))
        let portTaken = try await runToExit(Self.serveBinary, ["--port", "\(open.port)"])
        #expect(portTaken.status == 78)
        #expect(portTaken.stderr.contains("cannot serve on 127.0.0.1:\(open.port)"))
        #expect(![noSecret, noRedis, badDatabase, badConfig, badFlags, portTaken].contains { $0.stderr.contains(Self.secret) })
    }

    @Test("`tick serve` execs tick-serve: --help explains tick serve, then tick-serve's help (even without it); a missing binary is one clear error (78)")
    func execThroughTick() async throws {
        let help = try await runToExit(RunnerHarness.tickBinary, ["serve", "--help"])
        #expect(help.status == 0, "\(help.stderr)")
        #expect(help.stdout.contains("USAGE: tick-serve"))
        #expect(help.stdout.contains("--max-concurrent-ticks"))
        #expect(help.stdout.hasPrefix("tick serve: an HTTP wrapper") && help.stdout.contains("Looked for at "), "tick serve's own preface first")
        let helpWithout = try await runToExit(RunnerHarness.tickBinary, ["serve", "--help"], environment: ["TICK_SERVE_BIN": "/nonexistent/tick-serve"])
        #expect(helpWithout.status == 0 && helpWithout.stdout.contains("Looked for at /nonexistent/tick-serve (from TICK_SERVE_BIN): not found"))
        let missing = try await runToExit(RunnerHarness.tickBinary, ["serve", "--port", "0"], environment: ["TICK_SERVE_BIN": "/nonexistent/tick-serve"])
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("swift build --product tick-serve"))
        let badFlag = try await runToExit(RunnerHarness.tickBinary, ["serve", "--no-such-flag"])
        #expect(badFlag.status == 64)
        #expect(badFlag.stderr.contains("tick-serve"))
    }

    // MARK: - Utilities

    struct Exit {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a binary that is expected to exit by itself (within 20 s).
    func runToExit(_ binary: String, _ arguments: [String], environment overrides: [String: String] = [:]) async throws -> Exit {
        let output = try await runProcess(binary, arguments, environment: environment.merging(overrides) { $1 }, killAfter: 20)
        return Exit(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    /// Polls `condition` every 20 ms until it holds; fails the test after `timeout`.
    func waitUntil(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("condition not met within \(timeout)")
        throw TimedOut()
    }

    struct TimedOut: Error {}
}
