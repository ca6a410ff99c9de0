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
    static let hasRedis = environment["UPSTASH_REDIS_REST_URL"] != nil && environment["UPSTASH_REDIS_REST_TOKEN"] != nil

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
