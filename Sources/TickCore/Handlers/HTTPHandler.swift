import Logging
import TickBuild

/// Calls an HTTP endpoint once per item (or page): the way to run job code that lives in a web app
/// (a Vercel or Next.js route, a Supabase edge function, any HTTPS endpoint), driven by `tick`'s budget,
/// checkpoints and leases.
///
/// **Request.** ``Configuration/method`` (POST by default) to ``Configuration/url`` with the item's JSON
/// payload as the body (for a page of a cursor job, `{"cursor": "<cursor>" | null, "page": N}`), and the
/// headers `Tick-Job-Id`, `Tick-Queue`, `Tick-Handler`, `Tick-Item-Index` (the page number for a page, also
/// in `Tick-Page`), `Tick-Attempt`, `Idempotency-Key` (stable per item across attempts and runs),
/// `Tick-Deadline` (Unix time in milliseconds) and `Tick-Signature` (an HS256 JWT, see ``HTTPSigner``).
///
/// **Response.**
/// - 2xx: done. The body is the result: a JSON value, text as a JSON string, nothing when empty; a body
///   over ``Configuration/maxResultBytes`` is not stored (the result says so). For a page, the body must be
///   `{"next": "<cursor>" | null, "result": ...}`.
/// - 408, 429, 5xx, a timeout or a network error: retry later, after `Retry-After` (seconds or an HTTP
///   date, capped at ``Configuration/maxRetryAfter``) when the endpoint sends one.
/// - 3xx: failed (redirects are not followed: a moved endpoint is a configuration to fix).
/// - any other status: failed, with the status and the start of the body.
///
/// Transfers run on one thread with libcurl's multi interface (``CurlMultiDriver``), so dozens of items can
/// be in flight at once; the item's deadline caps every transfer.
public struct HTTPHandler: JobHandler {
    /// What the handler calls.
    public let configuration: Configuration
    private let driver: CurlMultiDriver
    private let limiter: HTTPRateLimiter?

    /// Bound on connecting (TCP and TLS), within the item's deadline.
    public static let connectTimeout: Duration = .seconds(10)
    /// Bytes of an error body shown in a failure reason.
    public static let reasonBodyBytes = 300

    /// Makes a handler with its own connection pool.
    /// - Parameters:
    ///   - configuration: the endpoint and limits.
    ///   - name: the handler's name, which keys its rate in Redis.
    ///   - rateWindows: where the rate shared by concurrent runs is counted (Redis); required for a rate.
    public init(_ configuration: Configuration, name: String, rateWindows: (any RateWindowStore)?) {
        self.init(configuration, name: name, rateWindows: rateWindows, driver: CurlMultiDriver())
    }

    init(_ configuration: Configuration, name: String, rateWindows: (any RateWindowStore)?, driver: CurlMultiDriver) {
        self.configuration = configuration
        self.driver = driver
        if let rate = configuration.rate, let rateWindows {
            limiter = HTTPRateLimiter(store: rateWindows, name: name, rate: rate, chunk: configuration.concurrency ?? 1)
        } else {
            limiter = nil
        }
    }

    /// Calls the endpoint for one item or page and maps the response to an outcome (see the type's overview).
    public func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome {
        if let limiter, let rate = configuration.rate {
            switch await limiter.acquire(deadline: context.deadline) {
            case .granted:
                break
            case .later(let wait):
                return .retryLater(reason: "rate of \(rate.requests) requests per \(Self.text(rate.period)) used up", after: wait)
            case .cancelled:
                return .retryLater(reason: "cancelled at the run's deadline", after: nil)
            case .unavailable(let why):
                return .retryLater(reason: "cannot reserve the rate in Redis: \(why)", after: nil)
            }
        }
        let started = ContinuousClock.now
        let allowed = started.duration(to: context.deadline)
        guard allowed > .zero else {
            return .retryLater(
                reason: "\(configuration.method) \(configuration.displayURL): no response before the item's deadline (it passed before the request could start)",
                after: nil)
        }
        let body = HandlerOutput.body(for: input)
        let request = HTTPTransferRequest(
            method: configuration.method,
            url: configuration.url,
            headers: headers(for: input, body: body, context: context),
            body: body,
            connectTimeout: min(Self.connectTimeout, allowed),
            totalTimeout: allowed,
            bodyLimit: configuration.maxResultBytes,
            caBundle: configuration.caBundle
        )
        let result = await driver.perform(request)
        let outcome = Self.outcome(of: result, input: input, configuration: configuration, now: UnixTime.nowMilliseconds() / 1000)
        if context.logger.logLevel <= .debug {
            var metadata: Logger.Metadata = [
                "http.url": "\(configuration.displayURL)", "http.duration_ms": "\(Int(started.duration(to: .now).milliseconds))",
            ]
            if case .response(let response) = result { metadata["http.status"] = "\(response.status)" }
            context.logger.debug("http handler finished", metadata: metadata)
        }
        return outcome
    }

    /// The request's header lines. Configured headers come first; tick's own cannot be overridden.
    func headers(for input: HandlerInput, body: [UInt8], context: HandlerContext) -> [String] {
        var lines = configuration.headers.map { "\($0.name): \($0.value.revealed)" }
        lines.append("Content-Type: application/json")
        lines.append("User-Agent: tick/\(TickVersion.current)")
        lines.append("Tick-Job-Id: \(context.jobID)")
        lines.append("Tick-Queue: \(context.queue)")
        lines.append("Tick-Handler: \(context.handlerName)")
        switch input {
        case .item(let index, _):
            lines.append("Tick-Item-Index: \(index)")
        case .page(let number, _):
            lines.append("Tick-Item-Index: \(number)")
            lines.append("Tick-Page: \(number)")
        }
        lines.append("Tick-Attempt: \(context.attempt)")
        lines.append("Idempotency-Key: \(context.idempotencyKey)")
        lines.append("Tick-Deadline: \(context.deadlineUnixMilliseconds)")
        if let signer = configuration.signer {
            let token = signer.token(url: configuration.url, body: body, now: UnixTime.nowMilliseconds() / 1000, id: HTTPSigner.randomID(), idempotencyKey: context.idempotencyKey)
            lines.append("Tick-Signature: \(token)")
        }
        return lines
    }

    /// Headers tick sets itself; a configuration cannot set them.
    public static let reservedHeaders: Set<String> = [
        "content-type", "user-agent", "tick-job-id", "tick-queue", "tick-handler", "tick-item-index", "tick-page",
        "tick-attempt", "idempotency-key", "tick-deadline", "tick-signature", "content-length", "host", "expect",
        "transfer-encoding",
    ]

    static func text(_ duration: Duration) -> String {
        let ms = Int64(duration.milliseconds)
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}
