import Hummingbird
import Logging

/// The checks of every dashboard action (a POST) after its session: the admin role (403, retry, purge and cancel only),
/// a same-origin `Origin`/`Referer` (403), a body of at most 64 KiB (413), and the session's CSRF token in the
/// form's `csrf` field (403). Only then does the route run, with the parsed form in the context, so nothing
/// in Redis changes unless every check passed. Runs after ``DashboardSessionMiddleware``.
struct DashboardActionMiddleware: RouterMiddleware {
    typealias Context = DashboardRequestContext

    let responder: DashboardResponder
    /// Whether the action needs an admin session (retry, purge); log out does not.
    let adminOnly: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let base = responder.base
        guard let session = context.session else {
            context.log["dashboard.refused"] = "no session"
            return responder.unauthorized()
        }
        if adminOnly, session.role != .admin {
            context.log["dashboard.refused"] = "read-only session"
            return DashboardHTML.message(
                .forbidden, base: base, title: "Forbidden", "This session is read-only: log in with TICK_DASHBOARD_ADMIN_TOKEN to retry, purge or cancel.")
        }
        guard DashboardOriginCheck.isSameOrigin(request.headers, authority: request.head.authority) else {
            context.log["dashboard.refused"] = "cross-origin"
            return DashboardHTML.message(.forbidden, base: base, title: "Forbidden", "The form was not sent from this dashboard (Origin/Referer mismatch).")
        }
        guard let form = await DashboardForm(body: request) else {
            return DashboardHTML.message(.contentTooLarge, base: base, title: "Too large", "The form is larger than 64 KiB.")
        }
        guard responder.authenticator.acceptsCSRF(form["csrf"], for: session) else {
            context.log["dashboard.refused"] = "csrf"
            return DashboardHTML.message(.forbidden, base: base, title: "Forbidden", "The form's CSRF token is missing or stale: reload the page and try again.")
        }
        var context = context
        context.form = form
        return try await next(request, context)
    }
}
