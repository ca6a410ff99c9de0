import Hummingbird
import Logging
import TickCore

/// Verifies the session cookie and puts the session in the context; without a valid one the route never runs.
///
/// Pages answer 401 with the login form; actions answer 401 with a message linking to it
/// (docs/dashboard.md, "Actions: POST only, three checks": this is the first check).
struct DashboardSessionMiddleware: RouterMiddleware {
    typealias Context = DashboardRequestContext

    /// What a request without a valid session is answered with.
    enum Refusal: Sendable {
        /// The login form, 401 (pages).
        case loginForm
        /// "Log in first", 401 (actions).
        case message
    }

    let responder: DashboardResponder
    let refusal: Refusal

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let now = UnixTime.nowMilliseconds() / 1000
        guard let session = responder.authenticator.verify(cookie: request.cookies[DashboardSession.cookieName]?.value, now: now) else {
            switch refusal {
            case .loginForm: return responder.loginForm(.unauthorized, error: nil)
            case .message:
                context.log["dashboard.refused"] = "no session"
                return responder.unauthorized()
            }
        }
        context.log["dashboard.role"] = "\(session.role.rawValue)"
        var context = context
        context.session = session
        return try await next(request, context)
    }
}
