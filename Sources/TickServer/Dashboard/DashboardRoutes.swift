import HTTPTypes
import Hummingbird
import TickCore

/// The dashboard's routes on Hummingbird's router, under ``DashboardConfiguration/path``.
///
/// | path | methods | before the route runs |
/// |---|---|---|
/// | `/assets/dashboard.css`, `/assets/dashboard.js` | GET, HEAD | nothing |
/// | `/login` | GET, POST | nothing (the POST checks its origin and token itself) |
/// | the path itself (also with `/`), `/job`, `/dead`, `/schedules` | GET, HEAD | a session, else 401 with the login form |
/// | `/logout` | POST | a session (401), same origin (403), CSRF token (403) |
/// | `/dead/retry`, `/dead/purge`, `/job/cancel` | POST | a session (401), admin (403), same origin (403), CSRF token (403) |
///
/// ``DashboardRoutingMiddleware`` (on the whole router) keeps paths exact and answers 404 and 405 from ``table``.
extension DashboardResponder {
    /// One path of the dashboard: the methods it answers and the `Allow` header of a 405 on it.
    struct Route: Sendable {
        let methods: Set<HTTPRequest.Method>
        let allow: String
    }

    /// Every path below ``base`` the dashboard answers (matched exactly; `""` and `/` are both the overview).
    static let table: [String: Route] = {
        let page = Route(methods: [.get, .head], allow: "GET")
        let action = Route(methods: [.post], allow: "POST")
        return [
            "/assets/dashboard.css": page, "/assets/dashboard.js": page,
            "/login": Route(methods: [.get, .post], allow: "GET, POST"),
            "": page, "/": page, "/job": page, "/dead": page, "/schedules": page,
            "/logout": action, "/dead/retry": action, "/dead/purge": action, "/job/cancel": action,
        ]
    }()

    /// The router of the dashboard's paths: one route per page and action, with its middleware.
    func router() -> Router<DashboardRequestContext> {
        let router = Router(context: DashboardRequestContext.self)
        router.add(middleware: DashboardRoutingMiddleware(responder: self))
        let dashboard = router.group(RouterPath(base))

        for method: HTTPRequest.Method in [.get, .head] {
            dashboard.on("assets/dashboard.css", method: method) { _, _ in
                DashboardHTML.asset(DashboardAssets.css, contentType: "text/css; charset=utf-8")
            }
            dashboard.on("assets/dashboard.js", method: method) { _, _ in
                DashboardHTML.asset(DashboardAssets.javaScript, contentType: "text/javascript; charset=utf-8")
            }
        }
        dashboard.get("login") { _, _ in loginForm(.ok, error: nil) }
        dashboard.post("login") { request, context in await login(request, context: context) }

        let pages = dashboard.group().add(middleware: DashboardSessionMiddleware(responder: self, refusal: .loginForm))
        for method: HTTPRequest.Method in [.get, .head] {
            pages.on("", method: method) { request, context in
                await page(request, context, DashboardOverviewQuery.self) { query, page throws(DashboardError) in try await overview(query, page: page) }
            }
            pages.on("job", method: method) { request, context in
                await page(request, context, DashboardJobQuery.self) { query, page throws(DashboardError) in try await jobPage(query, page: page) }
            }
            pages.on("dead", method: method) { request, context in
                await page(request, context, DashboardDeadQuery.self) { query, page throws(DashboardError) in try await deadPage(query, page: page) }
            }
            pages.on("schedules", method: method) { _, context in
                await page(context) { page throws(DashboardError) in try await schedulesPage(page: page) }
            }
        }

        let actions = dashboard.group().add(middleware: DashboardSessionMiddleware(responder: self, refusal: .message))
        actions.group().add(middleware: DashboardActionMiddleware(responder: self, adminOnly: false))
            .post("logout") { request, _ in logout(request) }
        let adminActions = actions.group().add(middleware: DashboardActionMiddleware(responder: self, adminOnly: true))
        adminActions.post("dead/retry") { _, context in await action(context) { form, page in await retry(form, page: page, log: context.log) } }
        adminActions.post("dead/purge") { _, context in await action(context) { form, page in await purge(form, page: page, log: context.log) } }
        adminActions.post("job/cancel") { _, context in await action(context) { form, _ in await cancel(form, log: context.log) } }
        return router
    }

    /// Runs an action's handler with the form and session its middleware put in the context.
    func action(_ context: DashboardRequestContext, _ body: (DashboardForm, DashboardPage) async -> Response) async -> Response {
        guard let session = context.session, let form = context.form else { return unauthorized() }
        return await body(form, DashboardPage(base: base, session: session, csrf: authenticator.csrfToken(for: session), now: UnixTime.nowMilliseconds()))
    }
}
