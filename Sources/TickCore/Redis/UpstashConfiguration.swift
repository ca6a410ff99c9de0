/// How to reach an Upstash Redis REST endpoint (or a compatible gateway), and how hard to try.
public struct UpstashConfiguration: Sendable {
    /// The REST URL, such as `https://eu1-xyz.upstash.io`, without a trailing slash.
    public var url: String
    /// The REST token, sent as `Authorization: Bearer`.
    public var token: Secret
    /// Bound on opening a connection. Defaults to ``defaultConnectTimeout`` (3 s).
    public var connectTimeout: Duration
    /// Bound on one request, connection included. Defaults to ``defaultRequestTimeout`` (10 s).
    /// A caller's deadline lowers it further.
    public var requestTimeout: Duration
    /// When and how often a failed request is tried again.
    public var retry: RetryPolicy

    /// Default bound on opening a connection: 3 seconds.
    public static let defaultConnectTimeout: Duration = .seconds(3)
    /// Default bound on one request: 10 seconds.
    public static let defaultRequestTimeout: Duration = .seconds(10)

    /// Makes a configuration.
    /// - Parameters:
    ///   - url: the REST URL (`http` or `https`); a trailing slash is removed.
    ///   - token: the REST token.
    ///   - connectTimeout: bound on opening a connection.
    ///   - requestTimeout: bound on one request.
    ///   - retry: the retry policy.
    /// - Throws: ``UpstashError`` (`.invalidConfiguration`) if the URL is not an http(s) URL.
    public init(
        url: String,
        token: Secret,
        connectTimeout: Duration = defaultConnectTimeout,
        requestTimeout: Duration = defaultRequestTimeout,
        retry: RetryPolicy = RetryPolicy()
    ) throws(UpstashError) {
        var url = url.trimmingCharacters(in: " \t\r\n")
        while url.hasSuffix("/") { url.removeLast() }
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), url.count > 8,
            !url.contains(where: { $0 == " " || $0 == "?" || $0 == "#" })
        else {
            throw .invalidConfiguration("UPSTASH_REDIS_REST_URL is not an http(s) URL: copy the REST URL from the Upstash console, such as https://eu1-example-12345.upstash.io")
        }
        guard !token.isEmpty else {
            throw .invalidConfiguration("UPSTASH_REDIS_REST_TOKEN is empty: copy the REST token from the Upstash console")
        }
        self.url = url
        self.token = token
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retry = retry
    }

    /// Reads `UPSTASH_REDIS_REST_URL` and `UPSTASH_REDIS_REST_TOKEN`.
    /// - Parameter environment: the process environment.
    /// - Throws: ``UpstashError`` (`.invalidConfiguration`) naming the missing or malformed variable.
    public init(environment: [String: String]) throws(UpstashError) {
        guard let url = environment["UPSTASH_REDIS_REST_URL"], !url.isEmpty else {
            throw .invalidConfiguration("UPSTASH_REDIS_REST_URL is not set: export the REST URL of your Upstash database (or run scripts/dev-services for a local one)")
        }
        guard let token = environment["UPSTASH_REDIS_REST_TOKEN"], !token.isEmpty else {
            throw .invalidConfiguration("UPSTASH_REDIS_REST_TOKEN is not set: export the REST token of your Upstash database")
        }
        try self.init(url: url, token: Secret(token))
    }

    /// The host part of the URL, for messages.
    public var host: String {
        let afterScheme = url.split(separator: "://", maxSplits: 1).last.map(String.init) ?? url
        return String(afterScheme.prefix { $0 != "/" })
    }
}
