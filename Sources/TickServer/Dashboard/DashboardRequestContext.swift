import Hummingbird
import Logging

/// The request context of the dashboard's router: Hummingbird's core storage plus what the dashboard's
/// middleware found out about the request before its route runs.
///
/// ``DashboardSessionMiddleware`` sets ``session``; ``DashboardActionMiddleware`` sets ``form`` (the action's
/// body, read once). ``log`` collects the fields of the request's log line, which ``CronResponder`` writes.
struct DashboardRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The verified session, once ``DashboardSessionMiddleware`` has run; `nil` before and on public routes.
    var session: DashboardSession?
    /// The action's url-encoded body, once ``DashboardActionMiddleware`` has checked its CSRF token.
    var form: DashboardForm?
    /// Fields for the request's log line (shared with the caller, so middleware and routes can add to it).
    let log: DashboardLogFields

    /// Bodies the dashboard reads are at most ``DashboardForm/maximumBodySize``.
    var maxUploadSize: Int { DashboardForm.maximumBodySize }
    /// The login form is url-encoded (`request.decode(as:context:)`).
    var requestDecoder: URLEncodedFormDecoder { URLEncodedFormDecoder() }

    /// A context for a request the server's channel received (the router test client uses this one).
    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        log = DashboardLogFields()
    }

    /// A context for a request ``CronResponder`` hands to the dashboard: the parent's logger, and `log` to read back.
    init(parent: some RequestContext, log: DashboardLogFields) {
        coreContext = CoreRequestContextStorage(source: parent)
        self.log = log
    }
}
