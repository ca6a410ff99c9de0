import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TickCore
@testable import TickServer

/// The server's real responder (tick endpoint, `/healthz`, the dashboard's router) with Redis and PostgreSQL
/// pointed at port 9 of loopback, where nothing listens: a request that reaches either answers with an error
/// (the dashboard's 503 "Unavailable" page), so a test that expects a refusal sees at once if it went further.
enum DashboardTestServer {
    static let readToken = "read-token-0123456789abcdef"
    static let adminToken = "admin-token-0123456789abcdef"
    static let cronSecret = "cron-secret-0123456789abcdef"
    /// The authority the router test client sends (`Host: localhost`), so the same-origin `Origin`.
    static let origin = "http://localhost"

    static let dashboardConfiguration = DashboardConfiguration(readToken: Secret(readToken), adminToken: Secret(adminToken))

    static var logger: Logger {
        var logger = Logger(label: "tick-server-tests")
        logger.logLevel = .critical
        return logger
    }

    static func upstash() throws -> UpstashConfiguration {
        try UpstashConfiguration(
            url: "http://127.0.0.1:9", token: Secret("unreachable-token"), connectTimeout: .seconds(1), requestTimeout: .seconds(2), retry: .never)
    }

    static func postgres() throws -> PostgresConfiguration {
        try PostgresConfiguration(conninfo: Secret("postgresql://tick@127.0.0.1:9/tick"), connectTimeout: .seconds(1))
    }

    /// The dashboard over the unreachable Redis and PostgreSQL.
    static func dashboard() throws -> Dashboard {
        Dashboard(configuration: dashboardConfiguration, upstash: try upstash(), prefix: "tick-server-tests", postgres: try postgres(), schedules: [])
    }

    /// The dashboard's router as the server mounts it.
    static func mount() throws -> DashboardMount {
        try dashboard().mount(batch: RunOptions.defaultBatch, logger: logger)
    }

    /// An application around the server's responder; `dashboard: false` serves none (no token set).
    static func application(dashboard: Bool = true) throws -> some ApplicationProtocol {
        let postgres = try postgres()
        let queue = JobQueue(client: try UpstashClient(configuration: try upstash()), prefix: "tick-server-tests")
        let runner = TickRunner(queue: queue, registry: HandlerRegistry(), logger: logger) { _ throws(PostgresError) in
            try PostgresConnection(configuration: postgres)
        }
        let server = CronServer(
            configuration: ServeConfiguration(secret: Secret(cronSecret)), runner: runner, logger: logger,
            dashboard: dashboard ? try Self.dashboard() : nil)
        return Application(responder: try server.makeResponder(slots: TickSlots(capacity: 1)), logger: logger)
    }

    /// A url-encoded body of `fields`.
    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: fields.map { "\($0.0)=\(DashboardForm.encode($0.1))" }.joined(separator: "&"))
    }

    /// Headers of a form POST: the content type, `origin` (none when `nil`), and `cookie`.
    static func postHeaders(cookie: String? = nil, origin: String? = DashboardTestServer.origin) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let origin { headers[.origin] = origin }
        if let cookie { headers[.cookie] = cookie }
        return headers
    }

    /// A session cookie (`tick_dashboard=…`) for `token`, issued the way a login does.
    static func cookie(token: String) -> String {
        let authenticator = DashboardAuthenticator(configuration: dashboardConfiguration)
        let role = authenticator.role(forToken: token) ?? .viewer
        let session = authenticator.issue(role, now: UnixTime.nowMilliseconds() / 1000)
        return "\(DashboardSession.cookieName)=\(session?.cookieValue ?? "")"
    }

    /// The CSRF token of the session in `cookie` (the value every page puts in its forms).
    static func csrf(cookie: String) -> String {
        let authenticator = DashboardAuthenticator(configuration: dashboardConfiguration)
        let value = cookie.split(separator: "=", maxSplits: 1).last.map(String.init)
        guard let session = authenticator.verify(cookie: value, now: UnixTime.nowMilliseconds() / 1000) else { return "" }
        return authenticator.csrfToken(for: session)
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }
}
