import HTTPTypes
import Hummingbird
import Logging
import TickCore

/// Login and logout: the session cookie.
extension DashboardResponder {
    /// The login form, with `status` (200, or 401 when a page was asked for without a session).
    func loginForm(_ status: HTTPResponse.Status, error: String?) -> Response {
        let hours = Int(configuration.sessionLifetime.components.seconds / 3600)
        let context: [String: Any] = ["base": base, "error": error ?? false, "lifetime": hours >= 1 ? "\(hours) h" : "under an hour"]
        return DashboardHTML.page(status, DashboardTemplates.render("login", context))
    }

    /// `POST <path>/login`: checks the token (constant time, same origin), sets the cookie, and sees the overview.
    /// A body that is too large or cannot be decoded counts as a wrong token (401).
    func login(_ request: Request, context: DashboardRequestContext) async -> Response {
        guard DashboardOriginCheck.isSameOrigin(request.headers, authority: request.head.authority) else {
            context.log["dashboard.refused"] = "cross-origin login"
            return DashboardHTML.message(.forbidden, base: base, title: "Forbidden", "The login form was not sent from this dashboard (Origin/Referer mismatch).")
        }
        let now = UnixTime.nowMilliseconds() / 1000
        guard let form = try? await request.decode(as: DashboardLoginForm.self, context: context),
            let token = form.token, let role = authenticator.role(forToken: token), let session = authenticator.issue(role, now: now)
        else {
            context.log["dashboard.login"] = "refused"
            logger.warning("dashboard login refused: wrong token")
            return loginForm(.unauthorized, error: "That is not a dashboard token.")
        }
        context.log["dashboard.login"] = "\(role.rawValue)"
        return DashboardHTML.seeOther(base, headers: [.setCookie: cookie(session.cookieValue, maxAge: configuration.sessionLifetime.components.seconds, request)])
    }

    /// `POST <path>/logout`: clears the cookie.
    func logout(_ request: Request) -> Response {
        DashboardHTML.seeOther(base + "/login", headers: [.setCookie: cookie("", maxAge: 0, request)])
    }

    /// The session cookie: HttpOnly, SameSite=Strict, only under the dashboard's path; `Secure` when a proxy
    /// says the request came over HTTPS.
    func cookie(_ value: String, maxAge: Int64, _ request: Request) -> String {
        var text = "\(DashboardSession.cookieName)=\(value); Path=\(base); Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
        let forwarded = HTTPField.Name("x-forwarded-proto").flatMap { request.headers[$0] }
        if request.head.scheme == "https" || forwarded?.lowercased().hasPrefix("https") == true { text += "; Secure" }
        return text
    }
}
