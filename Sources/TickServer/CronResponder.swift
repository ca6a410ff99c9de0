import HTTPTypes
import Hummingbird
import Logging
import TickCore

/// Answers every request: `/healthz`, the tick endpoint, and 404/405 for the rest.
///
/// The tick endpoint checks, in order: method (GET or POST, else 405), the bearer secret (401, no run),
/// `?budget=` (400), a free slot (429 with `Retry-After`; 503 while shutting down), then runs one tick
/// in-process and answers with its JSON summary: 200, or 500 when the run's exit code is not 0.
/// Paths are matched exactly, so nothing is ever redirected (Vercel Cron does not follow redirects).
struct CronResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let configuration: ServeConfiguration
    let secret: CronSecret?
    let runner: TickRunner
    let slots: TickSlots
    /// The dashboard's router under its path, when it is configured.
    let dashboard: DashboardMount?
    /// The heartbeat reader of `/healthz?max_silence=`, when configured.
    let monitor: ServeMonitor?
    /// `/metrics`, when it is on.
    let metrics: MetricsEndpoint?
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        let path = request.uri.path
        let response: Response
        var metadata: Logger.Metadata = ["http.method": "\(request.method.rawValue)", "http.path": "\(path)"]
        if path == ServeConfiguration.healthPath {
            response = await health(request)
        } else if path == MonitorConfiguration.metricsPath, let metrics {
            response = await metrics.respond(to: request)
        } else if path == configuration.path {
            response = await tick(request, metadata: &metadata)
        } else if let dashboard, dashboard.handles(path) {
            response = await dashboard.respond(to: request, context: context, metadata: &metadata)
        } else {
            response = JSONResponse.error(.notFound, "not found")
        }
        metadata["http.status"] = "\(response.status.code)"
        metadata["duration_ms"] = "\((start.duration(to: .now).milliseconds * 100).rounded() / 100)"
        let quiet = path == ServeConfiguration.healthPath || path == MonitorConfiguration.metricsPath
        let level: Logger.Level = [401, 403].contains(response.status.code) ? .warning : quiet ? .debug : .info
        logger.log(level: level, "request", metadata: metadata)
        return response
    }

    /// `/healthz`: without a query, ``health(_:)-swift.type.method``; with `max_silence`, the age of the last run
    /// (``SilenceCheck``), read from the monitor's ``HeartbeatCache``.
    func health(_ request: Request) async -> Response {
        guard let raw = request.uri.queryParameters["max_silence"].map(String.init) else { return Self.health(request.method) }
        guard request.method == .get || request.method == .head else { return Self.health(request.method) }
        let maxSilence: Double
        do throws(SilenceCheck.BadValue) { maxSilence = try SilenceCheck.seconds(raw) } catch { return JSONResponse.error(.badRequest, error.message) }
        guard let monitor else { return JSONResponse.error(.notFound, "max_silence needs the Redis configuration of tick serve") }
        let reading = await monitor.heartbeats.current()
        return SilenceCheck.response(maxSilence: maxSilence, reading: reading, nowMilliseconds: UnixTime.nowMilliseconds())
    }

    /// `/healthz`: 200 `{"ok":true}`, no I/O.
    static func health(_ method: HTTPRequest.Method) -> Response {
        guard method == .get || method == .head else {
            return JSONResponse.error(.methodNotAllowed, "use GET", headers: [.allow: "GET, HEAD"])
        }
        return JSONResponse.make(.ok, #"{"ok":true}"#)
    }

    /// The tick endpoint.
    func tick(_ request: Request, metadata: inout Logger.Metadata) async -> Response {
        guard request.method == .get || request.method == .post else {
            return JSONResponse.error(.methodNotAllowed, "use GET or POST", headers: [.allow: "GET, POST"])
        }
        if let secret, !secret.accepts(authorization: request.headers[.authorization]) {
            let reason = request.headers[.authorization] == nil ? "missing" : "wrong"
            metadata["auth"] = "\(reason)"
            return JSONResponse.error(.unauthorized, "unauthorized: send Authorization: Bearer <CRON_SECRET>", headers: [.wwwAuthenticate: "Bearer"])
        }
        var options = configuration.run
        do {
            options.budget = try RequestBudget.resolve(
                query: request.uri.queryParameters["budget"], defaultBudget: configuration.run.budget, maximum: configuration.maxBudget)
        } catch {
            return JSONResponse.error(.badRequest, error.message)
        }
        options.trigger = .http
        options.schedule = Self.schedule(request.headers)

        let id: UInt64
        switch slots.admit() {
        case .admitted(let admitted): id = admitted
        case .full:
            metadata["ticks.running"] = "\(slots.capacity)"
            return JSONResponse.error(
                .tooManyRequests, "\(slots.capacity) tick(s) already running in this process; retry later",
                headers: [.retryAfter: "\(ServeConfiguration.retryAfterSeconds)"])
        case .closed:
            return JSONResponse.error(
                .serviceUnavailable, "shutting down", headers: [.retryAfter: "\(ServeConfiguration.retryAfterSeconds)"])
        }
        defer { slots.release(id) }

        let runner = self.runner
        let task = Task { await runner.run(options) }
        slots.attach(id, task)
        let report = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        metadata["run.id"] = "\(report.runID.map(String.init) ?? "-")"
        metadata["run.exit_reason"] = "\(report.exitReason)"
        metadata["run.budget_ms"] = "\(report.budgetMilliseconds)"
        return JSONResponse.make(report.exitCode == 0 ? .ok : .internalServerError, report.jsonLine)
    }

    /// The `x-vercel-cron-schedule` header, when present and of a sane length.
    static func schedule(_ headers: HTTPFields) -> String? {
        guard let value = headers.first(where: { $0.name.canonicalName == "x-vercel-cron-schedule" })?.value,
            !value.isEmpty, value.utf8.count <= ServeConfiguration.maxScheduleLength
        else { return nil }
        return value
    }
}
