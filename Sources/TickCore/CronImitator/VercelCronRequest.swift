/// The request Vercel Cron sends for one cron job, so `tick cron` can imitate it on a laptop:
/// `GET <base><path>` with `Authorization: Bearer $CRON_SECRET` (only when the secret is set),
/// `User-Agent: vercel-cron/1.0` and `x-vercel-cron-schedule: <the expression as written>`.
public struct VercelCronRequest: Sendable, CustomStringConvertible {
    /// Vercel Cron's `User-Agent`.
    public static let userAgent = "vercel-cron/1.0"
    /// The header carrying the schedule.
    public static let scheduleHeader = "x-vercel-cron-schedule"

    /// The full URL: the base URL (without a trailing `/`) followed by the cron's path.
    public let url: String
    /// The cron job.
    public let cron: VercelConfig.Cron
    /// The `CRON_SECRET`, if set; sent as a bearer token, never printed.
    public let secret: Secret?

    /// Makes the request for one cron job.
    /// - Parameters:
    ///   - cron: the cron job.
    ///   - baseURL: the deployment's origin, such as `http://127.0.0.1:3000`.
    ///   - secret: the `CRON_SECRET`; nil or empty sends no `Authorization` header.
    public init(cron: VercelConfig.Cron, baseURL: String, secret: Secret?) {
        var base = Substring(baseURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        self.url = String(base) + cron.path
        self.cron = cron
        self.secret = secret.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The headers as sent (the `Authorization` value reveals the secret: do not log them).
    public var headers: [HTTPGet.Header] {
        var headers: [HTTPGet.Header] = []
        if let secret { headers.append(HTTPGet.Header("Authorization", "Bearer \(secret.revealed)")) }
        headers.append(HTTPGet.Header("User-Agent", Self.userAgent))
        headers.append(HTTPGet.Header(Self.scheduleHeader, cron.schedule))
        return headers
    }

    /// `GET <url>` with the headers, the secret shown as `***`.
    public var description: String {
        "GET \(url) (\(secret == nil ? "" : "Authorization: Bearer ***, ")User-Agent: \(Self.userAgent), \(Self.scheduleHeader): \(cron.schedule))"
    }

    /// Sends the request and waits for the response. Redirects are not followed, as Vercel does not.
    /// - Parameter timeout: bound on the whole exchange.
    /// - Returns: the response, whatever its status.
    /// - Throws: ``HTTPGetError`` when no complete response arrived.
    public func send(timeout: Duration) throws(HTTPGetError) -> HTTPGet.Response {
        try HTTPGet.get(url, headers: headers, timeout: timeout)
    }
}
