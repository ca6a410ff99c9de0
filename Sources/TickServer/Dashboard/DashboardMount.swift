import Hummingbird
import Logging

/// The dashboard's router behind ``CronResponder``: the server's front keeps the tick endpoint and `/healthz`
/// matched exactly, and hands every path under the dashboard's path to this router, in a
/// ``DashboardRequestContext`` of its own.
struct DashboardMount: Sendable {
    /// The dashboard's path, e.g. `/dashboard`.
    let base: String
    let responder: DashboardResponder
    let router: RouterResponder<DashboardRequestContext>

    /// Builds the router of `responder`'s routes.
    init(responder: DashboardResponder) {
        base = responder.base
        self.responder = responder
        router = responder.router().buildResponder()
    }

    /// Whether `path` belongs to the dashboard.
    func handles(_ path: String) -> Bool { responder.handles(path) }

    /// Answers one request under the dashboard's path; adds the dashboard's log fields to `metadata`.
    func respond(to request: Request, context: some RequestContext, metadata: inout Logger.Metadata) async -> Response {
        let log = DashboardLogFields()
        let response: Response
        do {
            response = try await router.respond(to: request, context: DashboardRequestContext(parent: context, log: log))
        } catch {
            // No route throws; an error here is a bug, answered like any failed page.
            responder.logger.error("dashboard request failed", metadata: ["error": "\(error)"])
            response = DashboardHTML.message(.internalServerError, base: base, title: "Error", "The dashboard failed to answer this request.")
        }
        metadata.merge(log.all) { _, new in new }
        return response
    }
}
