import HTTPTypes
import Hummingbird
import NIOCore
import TickCore

/// `GET /metrics`: the Prometheus text format, one Redis request per scrape (the stats script and both hashes
/// in one pipeline). 404 when off (no `TICK_METRICS_TOKEN`, no `--metrics-no-auth`), 401 without the token.
struct MetricsEndpoint: Sendable {
    /// The scrapers' token, `nil` with `--metrics-no-auth`.
    let token: CronSecret?
    let monitor: ServeMonitor

    /// The endpoint of `monitor`, or `nil` when `/metrics` is off.
    init?(monitor: ServeMonitor) {
        guard monitor.configuration.metricsEnabled else { return nil }
        self.monitor = monitor
        token = monitor.configuration.metricsToken.flatMap(CronSecret.init)
    }

    /// Answers one request to `/metrics`.
    func respond(to request: Request) async -> Response {
        guard request.method == .get || request.method == .head else {
            return JSONResponse.error(.methodNotAllowed, "use GET", headers: [.allow: "GET, HEAD"])
        }
        if let token, !token.accepts(authorization: request.headers[.authorization]) {
            return JSONResponse.error(.unauthorized, "unauthorized: send Authorization: Bearer <TICK_METRICS_TOKEN>", headers: [.wwwAuthenticate: "Bearer"])
        }
        let now = UnixTime.nowMilliseconds()
        let scrape: JobQueue.Scrape
        do throws(UpstashError) {
            scrape = try await monitor.queue.scrape(nowMilliseconds: now)
        } catch {
            return JSONResponse.error(.serviceUnavailable, "cannot read the metrics from Redis: \(error.description)")
        }
        let text = MetricsExposition.text(scrape, nowMilliseconds: now)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
