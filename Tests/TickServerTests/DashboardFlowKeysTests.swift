import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TickCore
@testable import TickServer

/// The overview's "Busiest flow keys" against the real Redis and PostgreSQL (scripts/dev-services), in-process.
/// Runs when the services' variables are set; with `CI=true` it runs anyway and fails when they are missing.
@Suite("dashboard flow keys against the real Redis, in-process")
struct DashboardFlowKeysTests {
    static let environment = DashboardLiveRedisTests.environment
    static let hasServices = DashboardLiveRedisTests.hasRedis

    /// The overview page of `prefix`, as an admin.
    func overview(prefix: String) async throws -> String {
        let upstash = try UpstashConfiguration(environment: Self.environment)
        let postgres = try PostgresConfiguration(environment: Self.environment)
        let connection = try PostgresConnection(configuration: postgres)
        _ = try Migrations.tick.apply(on: connection)
        connection.close()
        let board = Dashboard(configuration: DashboardTestServer.dashboardConfiguration, upstash: upstash, prefix: prefix, postgres: postgres, schedules: [])
        let router = board.mount(batch: RunOptions.defaultBatch, logger: DashboardTestServer.logger).responder.router()
        let admin = DashboardTestServer.cookie(token: DashboardTestServer.adminToken)
        return try await Application(router: router, logger: DashboardTestServer.logger).test(.router) { client in
            let page = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: admin])
            #expect(page.status == .ok, "\(page.text)")
            return page.text
        }
    }

    @Test(
        "the overview lists the busiest flow keys when there are any, in its one request (3 commands)",
        .enabled(if: hasServices || environment["CI"] == "true", "needs UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN and DATABASE_URL (scripts/dev-services)"))
    func busiestKeys() async throws {
        #expect(Self.hasServices, "CI=true but the services' variables are missing: eval \"$(scripts/dev-services env)\"")
        let prefix = "tick-server-keys-\(UnixTime.nowMilliseconds())"
        let none = try await overview(prefix: prefix)
        #expect(!none.contains("id=\"flow-keys\""), "no table without flow keys")
        #expect(none.contains("data-requests=\"1\" data-commands=\"3\""), "the stats script, the heartbeat and the flow keys in one pipeline")

        let queue = JobQueue(client: try UpstashClient(configuration: try UpstashConfiguration(environment: Self.environment)), prefix: prefix)
        let jobs = (0..<3).map { n in
            var job = JobSpec(id: "\(prefix)-\(n)", handler: "noop", work: .items([.integer(1)]))
            job.flow = JobSpec.Flow(concurrencyKey: n < 2 ? "tenant-a" : "tenant-b")
            return job
        }
        _ = try await queue.enqueue(jobs, nowMilliseconds: UnixTime.nowMilliseconds())
        let page = try await overview(prefix: prefix)
        #expect(page.contains("id=\"flow-keys\""))
        let rows = page.matches(of: /data-flow-key="([^"]+)"/).map { String($0.1) }
        #expect(rows == ["tenant-a", "tenant-b"], "busiest first")
        #expect(page.contains(#"<td class="num" data-count="waiting">2</td>"#))
    }
}
