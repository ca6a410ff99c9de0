import HTTPTypes
import Hummingbird
import Logging
import TickCore

/// The dashboard's pages and actions, and what they share: configuration, authenticator, Redis, PostgreSQL.
///
/// The routes (``router()``, DashboardRoutes.swift) call these handlers after the middleware: a page runs only
/// with a session (``DashboardSessionMiddleware``), an action only after its session, role, origin and CSRF
/// checks (``DashboardActionMiddleware``); only then is Redis or PostgreSQL touched.
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

    /// A page (GET or HEAD) that reads no query: `render` with the session's page frame; a Redis or PostgreSQL
    /// failure is a 503 page saying which.
    func page(
        _ context: DashboardRequestContext, render: (DashboardPage) async throws(DashboardError) -> Response
    ) async -> Response {
        guard let session = context.session else { return loginForm(.unauthorized, error: nil) }
        let page = DashboardPage(base: base, session: session, csrf: authenticator.csrfToken(for: session), now: UnixTime.nowMilliseconds())
        do throws(DashboardError) {
            return try await render(page)
        } catch {
            logger.warning("dashboard page failed", metadata: ["error": "\(error.description)"])
            return DashboardHTML.message(.serviceUnavailable, base: base, title: "Unavailable", error.description)
        }
    }

    /// A page whose query string decodes into `Query` (400 when it cannot be read), then as ``page(_:render:)``.
    func page<Query: Decodable & Sendable>(
        _ request: Request, _ context: DashboardRequestContext, _ type: Query.Type,
        render: (Query, DashboardPage) async throws(DashboardError) -> Response
    ) async -> Response {
        let query: Query
        do {
            query = try DashboardQueryForms.decode(Query.self, from: request.uri.query ?? "")
        } catch {
            return badQuery(error)
        }
        return await page(context) { page throws(DashboardError) in try await render(query, page) }
    }

    /// 400: a query string the decoder cannot read (a repeated name, a broken escape, `name[...]`).
    func badQuery(_ error: any Error) -> Response {
        let detail = (error as? URLEncodedFormError)?.description ?? "a field has an unexpected shape"
        return DashboardHTML.message(.badRequest, base: base, title: "Bad request", "The query string cannot be read: \(detail).")
    }

    /// 401 for an action without a session: a message linking to the login form.
    func unauthorized() -> Response {
        DashboardHTML.message(.unauthorized, base: base, title: "Log in first", "This action needs a dashboard session: log in.", login: true)
    }

    /// 405 naming the methods the path answers.
    func notAllowed(_ allow: String) -> Response {
        DashboardHTML.message(.methodNotAllowed, base: base, title: "Method not allowed", "Use \(allow).", headers: [.allow: allow])
    }

    /// 404 for a path under the dashboard that is none of its pages.
    func notFound() -> Response {
        DashboardHTML.message(.notFound, base: base, title: "Not found", "There is no dashboard page here.")
    }
}
