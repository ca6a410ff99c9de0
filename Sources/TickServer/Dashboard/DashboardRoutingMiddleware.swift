import Hummingbird

/// Keeps the dashboard's paths exact and its refusals as documented, around Hummingbird's router.
///
/// The router ignores empty path components (`/dashboard/job/` and `/dashboard//job` would reach `/job`) and
/// answers a known path with an unregistered method with 404. This middleware, on the whole router, first looks
/// the path up in ``DashboardResponder/table``: not there, 404 (the dashboard's "Not found" page); there, the
/// router's route runs, and when the router has none for the method it answers 405 with the path's `Allow`.
struct DashboardRoutingMiddleware: RouterMiddleware {
    typealias Context = DashboardRequestContext

    let responder: DashboardResponder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard responder.handles(path), let route = DashboardResponder.table[String(path.dropFirst(responder.base.count))] else {
            return responder.notFound()
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // The router's answer for a path it knows with a method it has no route for.
            return responder.notAllowed(route.allow)
        }
    }
}
