import Foundation
import Testing
import TickCore

/// The `http` handler against a real HTTP server on loopback (``TestEndpoint``), real Redis (through the
/// REST gateway) and real PostgreSQL: what each response means for the item and the job.
@Suite("http handler")
struct HTTPHandlerTests {
    static let key = "k3y-for-tests-0123456789abcdef-0123456789"

    /// Parses `handlers` the way `tick` reads tick.json, with `environment` for `${NAME}`.
    func registry(_ handlers: String, environment: [String: String] = [:], queue: JobQueue) throws -> HandlerRegistry {
        let file = try TickConfigFile.parse(bytes: Array(#"{"handlers": \#(handlers)}"#.utf8), environment: environment)
        return file.registry(inheritedEnvironment: [:], queue: queue)
    }

    func hook(_ url: String, _ extra: String = "") -> String {
        #"{"hook": {"kind": "http", "url": "\#(url)", "unsigned": true\#(extra)}}"#
    }

    /// Enqueues one job and runs once; returns the run's report and the job's Redis record.
    func runOne(_ spec: JobSpec, handlers: String, environment: [String: String] = [:], options: RunOptions = RunOptions(), harness: RunnerHarness) async throws -> (RunReport, [String: String]) {
        let queue = try harness.queue()
        #expect(try await queue.enqueue([spec], nowMilliseconds: UnixTime.nowMilliseconds()) == [true])
        let runner = try harness.runner(try registry(handlers, environment: environment, queue: queue))
        let report = await runner.run(options)
        return (report, try await queue.record(of: spec.id))
    }

    func delayedScore(_ id: String, harness: RunnerHarness) async throws -> Int64? {
        let reply = try await harness.client().send(RedisCommand("ZSCORE", RedisArgument("\(harness.prefix):q:default:delayed"), RedisArgument(id)))
        return reply.string.flatMap { Int64($0) }
    }

    @Test("2xx: each item is posted once with tick's headers and a signature, and the JSON body is stored as its result")
    func success() async throws {
        let endpoint = try await TestEndpoint.start()
        defer { endpoint.stop() }
        let harness = try RunnerHarness()
        let id = "\(harness.prefix)-ok"
        let spec = JobSpec(id: id, handler: "hook", work: .items((0..<3).map { .object(["n": .integer(Int64($0))]) }))
        let handlers = #"{"hook": {"kind": "http", "url": "\#(endpoint.url)/ok", "headers": {"X-App-Token": "${APP_TOKEN}"}, "signing_key": "${KEY}"}}"#
        let before = UnixTime.nowMilliseconds()
        let (report, record) = try await runOne(spec, handlers: handlers, environment: ["APP_TOKEN": "app-secret-1", "KEY": Self.key], harness: harness)
        let after = UnixTime.nowMilliseconds()
        #expect(report.itemsDone == 3 && report.jobsCompleted == 1, "\(report.jsonLine)")
        #expect(record["state"] == "done")
        let items = try harness.items()[id] ?? [:]
        #expect(items[1]?.result == #"{"echo": {"n": 1}, "index": "1"}"#)

        let requests = endpoint.requests
        #expect(requests.count == 3, "one request per item, none repeated")
        for request in requests {
            let headers = request.headers
            let index = try #require(headers["tick-item-index"].flatMap { Int($0) })
            #expect(String(decoding: request.body, as: UTF8.self) == #"{"n":\#(index)}"#)
            #expect(headers["tick-job-id"] == id)
            #expect(headers["tick-queue"] == "default")
            #expect(headers["tick-handler"] == "hook")
            #expect(headers["tick-attempt"] == "1")
            #expect(headers["idempotency-key"] == "\(id):\(index)")
            #expect(headers["content-type"] == "application/json")
            #expect(headers["user-agent"]?.hasPrefix("tick/") == true)
            #expect(headers["x-app-token"] == "app-secret-1", "${APP_TOKEN} expanded from the environment")
            let deadline = try #require(headers["tick-deadline"].flatMap { Int64($0) })
            #expect(deadline > before && deadline <= UnixTime.nowMilliseconds() + 61_000, "the item's deadline: at most the 60 s default timeout away")
            let token = try #require(headers["tick-signature"])
            let parts = token.split(separator: ".")
            #expect(parts.count == 3)
            let claims = try #require(try JSONSerialization.jsonObject(with: Self.base64URL(String(parts[1]))) as? [String: Any])
            #expect(claims["iss"] as? String == "tick")
            #expect(claims["sub"] as? String == "\(endpoint.url)/ok")
            let iat = try #require(claims["iat"] as? Int)
            #expect((claims["exp"] as? Int).map { $0 - iat } == 300)
            #expect(Int64(iat) >= before / 1000 && Int64(iat) <= after / 1000, "signed during the run (a loaded machine may stretch it)")
            #expect((claims["jti"] as? String)?.count == 32)
            #expect((claims["body"] as? String)?.count == 43, "base64url of a SHA-256, unpadded")
            #expect(claims["key"] as? String == "\(id):\(index)", "the Idempotency-Key is signed")
        }
        #expect(Set(requests.compactMap { $0.headers["tick-signature"] }).count == 3, "a fresh token (jti) per request")
    }

    @Test("a cursor job pages to the end across runs: a 503 on page 2 retries the job, which resumes at page 2")
    func cursorAcrossRuns() async throws {
        let endpoint = try await TestEndpoint.start()
        defer { endpoint.stop() }
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let id = "\(harness.prefix)-cursor"
        #expect(try await queue.enqueue([JobSpec(id: id, handler: "hook", work: .cursor(nil))], nowMilliseconds: UnixTime.nowMilliseconds()) == [true])
        let runner = try harness.runner(try registry(hook("\(endpoint.url)/cursor"), queue: queue))
        let reports = await harness.drain(runner, options: RunOptions(), limit: 10)
        #expect(reports.filter { $0.claimed > 0 }.count == 2, "the first run stops at page 2's 503 (Retry-After: 0), the second finishes")
        #expect(reports.first?.jobsRetried == 1)
        #expect(try await queue.record(of: id)["state"] == "done")
        let pages = endpoint.requests.compactMap { request -> Int? in
            (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["page"] as? Int
        }
        #expect(pages == [0, 1, 2, 2, 3, 4], "pages 0 and 1 are not fetched again")
        let cursors = endpoint.requests.map { (try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any])?["cursor"] as? String }
        #expect(cursors == [nil, "c1", "c2", "c2", "c3", "c4"], "the second run resumes from the checkpointed cursor")
        let items = try harness.items()[id] ?? [:]
        #expect(items.keys.sorted() == [0, 1, 2, 3, 4])
        #expect(items[3]?.result == #"{"page": 3, "cursor": "c3"}"#)
        #expect(endpoint.requests.allSatisfy { $0.headers["tick-page"] == $0.headers["tick-item-index"] })
    }

    @Test("408, 429 and 5xx retry the job later; other 4xx and 3xx dead-letter it with the status and the body's start",
          arguments: [(400, "dead"), (404, "dead"), (422, "dead"), (307, "dead"), (408, "delayed"), (429, "delayed"), (500, "delayed"), (502, "delayed"), (503, "delayed")])
    func statusClasses(code: Int, state: String) async throws {
        let endpoint = try await TestEndpoint.start()
        defer { endpoint.stop() }
        let harness = try RunnerHarness()
        let id = "\(harness.prefix)-s\(code)"
        let (report, record) = try await runOne(.items(id, count: 3, handler: "hook"), handlers: hook("\(endpoint.url)/status/\(code)"), harness: harness)
        #expect(record["state"] == state, "\(report.jsonLine)")
        #expect(endpoint.requests.count == 3, "a failed item does not stop the job's other items")
        let error = record["error"] ?? ""
        #expect(error.contains("HTTP \(code)"), "\(error)")
        if code >= 400 { #expect(error.contains("status \(code) body"), "\(error)") }
        #expect(state == "dead" ? report.jobsDead == 1 : report.jobsRetried == 1)
        // A permanent failure records each failed item; a retry records none, so the items run again.
        let recorded = try harness.items()[id] ?? [:]
        if state == "dead" {
            #expect(recorded.keys.sorted() == [0, 1, 2] && recorded.values.allSatisfy { $0.state == "failed" }, "\(recorded)")
        } else {
            #expect(recorded.isEmpty, "\(recorded)")
        }
    }

    @Test("Retry-After in seconds or as an HTTP date sets when the job is retried, capped at 15 minutes",
          arguments: [("120", Int64(120)), ("99999", Int64(900)), ("date+300", Int64(300))])
    func retryAfter(value: String, seconds: Int64) async throws {
        let endpoint = try await TestEndpoint.start()
        defer { endpoint.stop() }
        let harness = try RunnerHarness()
        let id = "\(harness.prefix)-ra"
        let before = UnixTime.nowMilliseconds()
        var header = value
        if value == "date+300" {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            header = formatter.string(from: Date().addingTimeInterval(300)).replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: ",", with: "%2C")
        }
        let (_, record) = try await runOne(.items(id, count: 1, handler: "hook"), handlers: hook("\(endpoint.url)/status/429?retry_after=\(header)"), harness: harness)
        #expect(record["state"] == "delayed")
        let score = try #require(try await delayedScore(id, harness: harness))
        let after = UnixTime.nowMilliseconds()
        // Retry-After counts from the response, somewhere between the two readings (an HTTP date is whole seconds),
        // however long a loaded machine takes to run the test.
        let earliest = before + seconds * 1000 - 1_000
        let latest = after + seconds * 1000 + 1_000
        #expect(score >= earliest && score <= latest, "retry at \(score), expected \(seconds) s after the response: \(earliest)...\(latest)")
    }

    @Test("a response slower than the item's timeout is abandoned at the timeout and retried")
    func timeout() async throws {
        let endpoint = try await TestEndpoint.start()
        defer { endpoint.stop() }
        let harness = try RunnerHarness()
        let id = "\(harness.prefix)-slow"
        let started = ContinuousClock.now
        let (report, record) = try await runOne(.items(id, count: 1, handler: "hook"), handlers: hook("\(endpoint.url)/slow/30000", #", "timeout_ms": 1000"#), harness: harness)
        #expect(ContinuousClock.now - started < .seconds(15), "the run did not wait for the 30 s response")
        #expect(record["state"] == "delayed", "\(report.jsonLine)")
        let error = record["error"] ?? ""
        #expect(error.contains("no response before the item's deadline"), "\(error)")
    }

    @Test("a refused connection is transient: the job is retried with a reason naming the endpoint")
    func refused() async throws {
        try await ScriptedHTTPServer.withRefusingPort { port in
            let harness = try RunnerHarness()
            let id = "\(harness.prefix)-refused"
            let (_, record) = try await runOne(.items(id, count: 1, handler: "hook"), handlers: hook("http://127.0.0.1:\(port)/x?token=hidden"), harness: harness)
            #expect(record["state"] == "delayed")
            let error = record["error"] ?? ""
            #expect(error.contains("cannot connect") && error.contains("POST http://127.0.0.1:\(port)/x"), "\(error)")
            #expect(!error.contains("hidden"), "the URL's query is not shown")
        }
    }

    @Test("a redirect is not followed: the job is dead with a reason that says so, without the Location's query")
    func redirect() async throws {
        let endpoint = try await TestEndpoint.start()
        defer { endpoint.stop() }
        let harness = try RunnerHarness()
        let id = "\(harness.prefix)-redirect"
        let (_, record) = try await runOne(.items(id, count: 1, handler: "hook"), handlers: hook("\(endpoint.url)/redirect"), harness: harness)
        #expect(record["state"] == "dead")
        let error = record["error"] ?? ""
        #expect(error.contains("HTTP 301 redirect to /ok not followed"), "\(error)")
        #expect(!error.contains("secret-in-query"))
        #expect(endpoint.requests.map(\.path) == ["/redirect"], "the Location was not requested")
    }

    @Test("a 2xx body over max_result_bytes: the item is done, the result says it was omitted")
    func oversizedResult() async throws {
        let endpoint = try await TestEndpoint.start()
        defer { endpoint.stop() }
        let harness = try RunnerHarness()
        let id = "\(harness.prefix)-big"
        let (_, record) = try await runOne(.items(id, count: 1, handler: "hook"), handlers: hook("\(endpoint.url)/big/5000", #", "max_result_bytes": 1024"#), harness: harness)
        #expect(record["state"] == "done")
        let result = try harness.items()[id]?[0]?.result ?? ""
        #expect(result.contains("result_omitted") && result.contains("1 KiB"), "\(result)")
        #expect(result.count < 200)
    }

    @Test("many requests in flight at once, never more than the handler's concurrency")
    func concurrency() async throws {
        let endpoint = try await TestEndpoint.start()
        defer { endpoint.stop() }
        let harness = try RunnerHarness()
        let id = "\(harness.prefix)-many"
        var spec = JobSpec.items(id, count: 100, handler: "hook")
        spec.itemConcurrency = 100
        var options = RunOptions()
        options.concurrency = 100
        let (report, record) = try await runOne(spec, handlers: hook("\(endpoint.url)/slow/300", #", "concurrency": 20"#), options: options, harness: harness)
        #expect(record["state"] == "done")
        #expect(report.itemsDone == 100)
        #expect(endpoint.maxInFlight <= 20, "the handler's concurrency caps the run's 100")
        #expect(endpoint.maxInFlight >= 15, "requests do overlap (one thread, libcurl's multi interface): at most \(endpoint.maxInFlight) at once")
    }

    @Test("a rate of 10 requests per 500 ms holds across two concurrent runs: 50 items take at least five windows")
    func rate() async throws {
        let endpoint = try await TestEndpoint.start()
        defer { endpoint.stop() }
        let harness = try RunnerHarness()
        let queue = try harness.queue()
        let handlers = hook("\(endpoint.url)/ok", #", "concurrency": 10, "rate": {"requests": 10, "period_ms": 500}"#)
        let specs = (0..<2).map { index -> JobSpec in
            var spec = JobSpec.items("\(harness.prefix)-rate\(index)", count: 25, handler: "hook")
            spec.itemConcurrency = 10
            return spec
        }
        #expect(try await queue.enqueue(specs, nowMilliseconds: UnixTime.nowMilliseconds()) == [true, true])
        var options = RunOptions()
        options.concurrency = 10
        options.batch = 1
        // Two runners, each with its own handlers (own limiter), like two processes started by cron.
        let runners = try (0..<2).map { _ in try harness.runner(try registry(handlers, queue: try harness.queue())) }
        let started = ContinuousClock.now
        let runOptions = options
        let reports = await withTaskGroup(of: RunReport.self) { group in
            for runner in runners { group.addTask { await runner.run(runOptions) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - started
        #expect(reports.map(\.jobsCompleted) == [1, 1], "\(reports.map(\.jsonLine))")
        #expect(endpoint.requests.count == 50)
        // 50 requests at 10 per fixed window need at least 5 windows: the first may be partial, then 3 whole
        // ones pass before the fifth starts, so the runs last at least 3 × 500 ms however they interleave. A
        // lower bound only: a loaded machine makes runs slower, never faster. Without the rate the 50 requests
        // take a few tens of milliseconds.
        #expect(elapsed >= .milliseconds(1450), "50 requests at 10 per 500 ms window: \(elapsed)")
    }

    static func base64URL(_ text: String) -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64) ?? Data()
    }
}
