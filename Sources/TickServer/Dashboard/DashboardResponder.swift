import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TickCore

/// Answers every request under the dashboard's path: the login, the pages, the assets and the actions.
///
/// Pages need a session cookie (else 401 with the login form). Actions are POSTs and are checked in order:
/// a session (401), the admin role (403), a same-origin `Origin`/`Referer` (403), the session's CSRF token
/// in the form (403); only then is Redis touched.
struct DashboardResponder: Sendable {
    let configuration: DashboardConfiguration
    let authenticator: DashboardAuthenticator
    let redis: DashboardRedis
    let store: DashboardStore
    /// The config's schedules, read at start-up.
    let schedules: [Schedule]
    /// The `--batch` of the server's ticks, for the cost projection.
    let batch: Int
    let logger: Logger

    var base: String { configuration.path }

    /// Whether `path` belongs to the dashboard.
    func handles(_ path: String) -> Bool { path == base || path.hasPrefix(base + "/") }

    /// Answers one request under the dashboard's path.
    func respond(to request: Request, metadata: inout Logger.Metadata) async -> Response {
        let sub = String(request.uri.path.dropFirst(base.count))
        let method = request.method
        let now = UnixTime.nowMilliseconds()
        switch sub {
        case "/assets/dashboard.css":
            return method == .get || method == .head ? DashboardHTML.asset(DashboardAssets.css, contentType: "text/css; charset=utf-8") : notAllowed("GET")
        case "/assets/dashboard.js":
            return method == .get || method == .head
                ? DashboardHTML.asset(DashboardAssets.javaScript, contentType: "text/javascript; charset=utf-8") : notAllowed("GET")
        case "/login":
            if method == .get { return loginForm(.ok, error: nil) }
            if method == .post { return await login(request, now: now, metadata: &metadata) }
            return notAllowed("GET, POST")
        default: break
        }
        let session = authenticator.verify(cookie: request.cookies[DashboardSession.cookieName]?.value, now: now / 1000)
        if let session { metadata["dashboard.role"] = "\(session.role.rawValue)" }
        let routes: [String: (get: Bool, post: Bool)] = [
            "": (true, false), "/": (true, false), "/job": (true, false), "/dead": (true, false), "/schedules": (true, false),
            "/logout": (false, true), "/dead/retry": (false, true), "/dead/purge": (false, true),
        ]
        guard let route = routes[sub] else {
            return DashboardHTML.message(.notFound, base: base, title: "Not found", "There is no dashboard page here.")
        }
        if method == .post, route.post {
            let form: DashboardForm
            switch await gate(request, session: session, adminOnly: sub != "/logout", metadata: &metadata) {
            case .refused(let response): return response
            case .passed(let passed): form = passed
            }
            guard let session else { return unauthorized() }
            let page = DashboardPage(base: base, session: session, csrf: authenticator.csrfToken(for: session), now: now)
            switch sub {
            case "/logout": return logout(request)
            case "/dead/retry": return await retry(form, page: page, metadata: &metadata)
            default: return await purge(form, page: page, metadata: &metadata)
            }
        }
        guard method == .get || method == .head, route.get else { return notAllowed(route.get ? "GET" : "POST") }
        guard let session else { return loginForm(.unauthorized, error: nil) }
        let page = DashboardPage(base: base, session: session, csrf: authenticator.csrfToken(for: session), now: now)
        let query = DashboardForm(String(request.uri.query ?? ""))
        do throws(DashboardError) {
            switch sub {
            case "/job": return try await jobPage(query, page: page)
            case "/dead": return try await deadPage(query, page: page)
            case "/schedules": return try await schedulesPage(page: page)
            default: return try await overview(query, page: page)
            }
        } catch {
            logger.warning("dashboard page failed", metadata: ["error": "\(error.description)"])
            return DashboardHTML.message(.serviceUnavailable, base: base, title: "Unavailable", error.description)
        }
    }

    /// The outcome of an action's checks.
    enum Gate {
        case passed(DashboardForm)
        case refused(Response)
    }

    /// The checks every POST passes, in order: session (401), role (403), origin (403), body, CSRF token (403).
    func gate(_ request: Request, session: DashboardSession?, adminOnly: Bool, metadata: inout Logger.Metadata) async -> Gate {
        guard let session else {
            metadata["dashboard.refused"] = "no session"
            return .refused(unauthorized())
        }
        if adminOnly, session.role != .admin {
            metadata["dashboard.refused"] = "read-only session"
            return .refused(
                DashboardHTML.message(
                    .forbidden, base: base, title: "Forbidden", "This session is read-only: log in with TICK_DASHBOARD_ADMIN_TOKEN to retry or purge."))
        }
        guard DashboardOriginCheck.isSameOrigin(request.headers, authority: request.head.authority) else {
            metadata["dashboard.refused"] = "cross-origin"
            return .refused(DashboardHTML.message(.forbidden, base: base, title: "Forbidden", "The form was not sent from this dashboard (Origin/Referer mismatch)."))
        }
        guard let form = await Self.form(request) else {
            return .refused(DashboardHTML.message(.contentTooLarge, base: base, title: "Too large", "The form is larger than 64 KiB."))
        }
        guard authenticator.acceptsCSRF(form["csrf"], for: session) else {
            metadata["dashboard.refused"] = "csrf"
            return .refused(DashboardHTML.message(.forbidden, base: base, title: "Forbidden", "The form's CSRF token is missing or stale: reload the page and try again."))
        }
        return .passed(form)
    }

    /// The request's url-encoded body, or `nil` when it is over ``DashboardForm/maximumBodySize``.
    static func form(_ request: Request) async -> DashboardForm? {
        do {
            let buffer = try await request.body.collect(upTo: DashboardForm.maximumBodySize)
            return DashboardForm(String(buffer: buffer))
        } catch {
            return nil
        }
    }

    func unauthorized() -> Response {
        DashboardHTML.message(.unauthorized, base: base, title: "Log in first", "This action needs a dashboard session: log in.", login: true)
    }

    func notAllowed(_ allow: String) -> Response {
        DashboardHTML.message(.methodNotAllowed, base: base, title: "Method not allowed", "Use \(allow).", headers: [.allow: allow])
    }
}
