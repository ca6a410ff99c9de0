import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TickCore
@testable import TickServer

/// `/healthz?max_silence=` and `/metrics` in-process, Redis unreachable (port 9): what is refused before any Redis
/// request, what a Redis failure answers, the heartbeat cache's single flight, and the exposition's text.
/// The same endpoints against the real services: Tests/sdk/test_monitoring.py.
@Suite("Monitoring endpoints")
struct MonitorTests {
    static let metricsToken = "metrics-token-0123456789abcdef"

    static func application(_ configuration: MonitorConfiguration?) throws -> some ApplicationProtocol {
        let monitor = try configuration.map { configuration throws in
            try ServeMonitor(configuration: configuration, upstash: try DashboardTestServer.upstash(), prefix: "tick-server-tests")
        }
        let queue = JobQueue(client: try UpstashClient(configuration: try DashboardTestServer.upstash()), prefix: "tick-server-tests")
        let postgres = try DashboardTestServer.postgres()
        let runner = TickRunner(queue: queue, registry: HandlerRegistry(), logger: DashboardTestServer.logger) { _ throws(PostgresError) in
            try PostgresConnection(configuration: postgres)
        }
        let server = CronServer(
            configuration: ServeConfiguration(secret: Secret(DashboardTestServer.cronSecret)), runner: runner, logger: DashboardTestServer.logger,
            monitor: monitor)
        return Application(responder: try server.makeResponder(slots: TickSlots(capacity: 1)), logger: DashboardTestServer.logger)
    }

    @Test("a bad max_silence is a 400 naming the parameter; plain /healthz is unchanged", arguments: ["abc", "0", "-5", "nan", "inf", "604801", ""])
    func badMaxSilence(_ value: String) async throws {
        try await Self.application(MonitorConfiguration(metricsToken: nil)).test(.router) { client in
            try await client.execute(uri: "/healthz?max_silence=\(value)", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("max_silence must be a number of seconds from 1 to 604800"))
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "{\"ok\":true}\n")
            }
        }
    }

    @Test("an unreachable Redis answers 503 with the reason, never 200")
    func unreachableRedis() async throws {
        try await Self.application(MonitorConfiguration(metricsToken: nil, metricsWithoutAuth: true)).test(.router) { client in
            try await client.execute(uri: "/healthz?max_silence=60", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("cannot read the heartbeat from Redis"))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("cannot read the metrics from Redis"))
            }
        }
    }

    @Test("/metrics: 404 without TICK_METRICS_TOKEN or without a monitor, 401 without or with a wrong token")
    func metricsAccess() async throws {
        try await Self.application(MonitorConfiguration(metricsToken: nil)).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(Self.metricsToken)"]) { #expect($0.status == .notFound) }
        }
        try await Self.application(nil).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .notFound) }
        }
        try await Self.application(MonitorConfiguration(metricsToken: Secret(Self.metricsToken))).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(DashboardTestServer.cronSecret)"]) {
                #expect($0.status == .unauthorized)
            }
            // The right token reaches Redis (unreachable here): 503, not 401.
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(Self.metricsToken)"]) {
                #expect($0.status == .serviceUnavailable)
            }
        }
    }

    @Test("a token with --metrics-no-auth, a short token, or CRON_SECRET as token are refused at start-up")
    func configurationProblems() {
        let cron = Secret(DashboardTestServer.cronSecret)
        #expect(MonitorConfiguration(metricsToken: Secret(Self.metricsToken), metricsWithoutAuth: true).problem(cronSecret: cron) != nil)
        #expect(MonitorConfiguration(metricsToken: Secret("short")).problem(cronSecret: cron)?.contains("shorter than 16") == true)
        #expect(MonitorConfiguration(metricsToken: cron).problem(cronSecret: cron)?.contains("equals CRON_SECRET") == true)
        #expect(MonitorConfiguration(metricsToken: Secret(Self.metricsToken)).problem(cronSecret: cron) == nil)
    }

    @Test("200 concurrent readers of the heartbeat cache cause one read; a new one after the lifetime")
    func singleFlight() async throws {
        let reads = Atomic<Int>(0)
        let cache = HeartbeatCache(lifetime: .milliseconds(300)) { () async throws(UpstashError) in
            reads.add(1, ordering: .relaxed)
            try? await Task.sleep(for: .milliseconds(50))
            return JobQueue.Heartbeat(reply: .array([.text("last"), .text("1000")]))
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<200 { group.addTask { _ = await cache.current() } }
        }
        #expect(reads.load(ordering: .relaxed) == 1)
        try await Task.sleep(for: .milliseconds(400))
        _ = await cache.current()
        #expect(reads.load(ordering: .relaxed) == 2)
    }

    @Test("the exposition: counters and gauges from the values read, the histogram cumulative with sum and count")
    func exposition() {
        let metrics = RunMetrics(counters: [
            "runs_total:cron": 3, "jobs_total:done": 2, "items_total:done": 7, "requests_total": 9, "commands_total": 11,
            "run_seconds_bucket:0.1": 1, "run_seconds_bucket:1": 1, "run_seconds_sum_ms": 650, "run_seconds_count": 2,
        ])
        // A stats script row: name, ready, delayed, leased, dead, due, expired, oldest ready, ready per handler, paused, cancelled.
        let stats = JobQueue.decodeStats(
            .array([.array([.text("mail"), .integer(4), .integer(1), .integer(0), .integer(2), .integer(0), .integer(0), .null, .array([]), .integer(1), .integer(0)])]))
        let heartbeat = JobQueue.Heartbeat(reply: .array([.text("last"), .text("10000"), .text("last_trigger"), .text("cron"), .text("cron"), .text("10000")]))
        let text = MetricsExposition.text(JobQueue.Scrape(stats: stats, heartbeat: heartbeat, metrics: metrics), nowMilliseconds: 25_000)
        for line in [
            #"tick_runs_total{trigger="cron"} 3"#, #"tick_runs_total{trigger="http"} 0"#, #"tick_jobs_total{outcome="done"} 2"#,
            #"tick_items_total{outcome="done"} 7"#, "tick_redis_requests_total 9", "tick_redis_commands_total 11",
            #"tick_queue_jobs{queue="mail",state="ready"} 4.0"#, #"tick_queue_jobs{queue="mail",state="dead"} 2.0"#, #"tick_queue_paused{queue="mail"} 1.0"#,
            "tick_last_run_age_seconds 15.0", #"tick_trigger_last_run_age_seconds{trigger="cron"} 15.0"#,
            #"tick_run_duration_seconds_bucket{le="0.1"} 1"#, #"tick_run_duration_seconds_bucket{le="0.5"} 1"#,
            #"tick_run_duration_seconds_bucket{le="1"} 2"#, #"tick_run_duration_seconds_bucket{le="+Inf"} 2"#,
            "tick_run_duration_seconds_sum 0.65", "tick_run_duration_seconds_count 2", "# TYPE tick_runs_total counter",
        ] {
            #expect(text.split(separator: "\n").contains(Substring(line)), "missing: \(line)\n\(text)")
        }
    }
}

extension RedisValue {
    /// A string reply of `value`.
    fileprivate static func text(_ value: String) -> RedisValue { .bytes(Array(value.utf8)) }
}
