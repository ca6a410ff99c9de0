import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TickCore
@testable import TickServer

/// One page against the real Redis (scripts/dev-services), in-process: the dead-letter page of an empty queue.
/// Runs when `UPSTASH_REDIS_REST_URL` and `UPSTASH_REDIS_REST_TOKEN` are set; with `CI=true` it runs anyway and
/// fails when they are missing, so CI cannot skip it silently.
@Suite("dashboard against the real Redis, in-process")
struct DashboardLiveRedisTests {
    static let environment = ProcessEnvironment.variables
    static let hasRedis = environment["UPSTASH_REDIS_REST_URL"] != nil && environment["UPSTASH_REDIS_REST_TOKEN"] != nil && environment["DATABASE_URL"] != nil

    @Test(
        "a logged-in page reads the real Redis: the dead letters of an empty queue, 200, one request in its footer",
        .enabled(if: hasRedis || environment["CI"] == "true", "needs UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (scripts/dev-services)"))
    func deadLetterPage() async throws {
        #expect(Self.hasRedis, "CI=true but UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN are missing: eval \"$(scripts/dev-services env)\"")
        let upstash = try UpstashConfiguration(environment: Self.environment)
        let board = Dashboard(
            configuration: DashboardTestServer.dashboardConfiguration, upstash: upstash, prefix: "tick-server-tests-\(UnixTime.nowMilliseconds())",
            postgres: try DashboardTestServer.postgres(), schedules: [])
        let router = board.mount(batch: RunOptions.defaultBatch, logger: DashboardTestServer.logger).responder.router()
        let admin = DashboardTestServer.cookie(token: DashboardTestServer.adminToken)
        try await Application(router: router, logger: DashboardTestServer.logger).test(.router) { client in
            let page = try await client.execute(uri: "/dashboard/dead?queue=empty", method: .get, headers: [.cookie: admin])
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.text.contains("Dead letters") && page.text.contains(DashboardTestServer.csrf(cookie: admin)))
            #expect(page.text.contains("data-requests=\"1\""), "the footer states the page's one request")
        }
    }
}

extension DashboardLiveRedisTests {
    @Test(
        "an admin cancels a ready job from its page: one Redis request, the job is cancelled, the page says so and offers no second cancel",
        .enabled(if: hasRedis || environment["CI"] == "true", "needs UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (scripts/dev-services)"))
    func cancelFromTheJobPage() async throws {
        #expect(Self.hasRedis, "CI=true but UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN are missing: eval \"$(scripts/dev-services env)\"")
        let upstash = try UpstashConfiguration(environment: Self.environment)
        let prefix = "tick-server-cancel-\(UnixTime.nowMilliseconds())"
        let id = "cancel-\(UnixTime.nowMilliseconds())"
        let queue = JobQueue(client: try UpstashClient(configuration: upstash), prefix: prefix)
        _ = try await queue.enqueue([JobSpec(id: id, handler: "noop", work: .items([.integer(1)]))], nowMilliseconds: UnixTime.nowMilliseconds())
        // The job page and the cancel's record need the real PostgreSQL too (DATABASE_URL of scripts/dev-services).
        let postgres = try PostgresConfiguration(environment: Self.environment)
        let connection = try PostgresConnection(configuration: postgres)
        _ = try Migrations.tick.apply(on: connection)
        connection.close()
        let board = Dashboard(configuration: DashboardTestServer.dashboardConfiguration, upstash: upstash, prefix: prefix, postgres: postgres, schedules: [])
        let router = board.mount(batch: RunOptions.defaultBatch, logger: DashboardTestServer.logger).responder.router()
        let admin = DashboardTestServer.cookie(token: DashboardTestServer.adminToken)
        try await Application(router: router, logger: DashboardTestServer.logger).test(.router) { client in
            let before = try await client.execute(uri: "/dashboard/job?id=\(id)", method: .get, headers: [.cookie: admin])
            #expect(before.text.contains("id=\"cancel-job\""), "a ready job offers the cancel button to an admin")
            let reply = try await client.execute(
                uri: "/dashboard/job/cancel", method: .post, headers: DashboardTestServer.postHeaders(cookie: admin),
                body: DashboardTestServer.form([("id", id), ("csrf", DashboardTestServer.csrf(cookie: admin))]))
            #expect(reply.status == .seeOther, "\(reply.text)")
            #expect(reply.headers[.location] == "/dashboard/job?id=\(id)&notice=cancelled")
            let after = try await client.execute(uri: "/dashboard/job?id=\(id)&notice=cancelled", method: .get, headers: [.cookie: admin])
            #expect(after.text.contains("Cancelled: the job left its queue") && after.text.contains(">cancelled</span>"))
            #expect(!after.text.contains("id=\"cancel-job\""), "a cancelled job offers no cancel")
        }
        #expect(try await queue.record(of: id)["state"] == JobState.cancelled.rawValue)
        let claim = try await queue.claim(queues: ["default"], handlers: ["noop"], batch: 10, lease: .seconds(60), nowMilliseconds: UnixTime.nowMilliseconds())
        #expect(claim.jobs.isEmpty, "a cancelled job is never claimed")
        let check = try PostgresConnection(configuration: postgres)
        defer { check.close() }
        #expect(try CheckpointStore(connection: check).summary(of: id)?.state == CheckpointState.cancelled.rawValue, "recorded in PostgreSQL")
    }
}
