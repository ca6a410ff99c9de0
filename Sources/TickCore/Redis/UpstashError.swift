/// Why a request to the Upstash REST API failed, with a message that says what to do.
///
/// A struct over a private code, so new cases can be added without breaking callers. The message never
/// contains the token or command arguments.
public struct UpstashError: TickError, Equatable {
    private enum Code: Equatable, Sendable {
        case invalidConfiguration
        case unreachable
        case timedOut
        case unauthorized
        case redisError
        case transactionAborted
        case serverError
        case rateLimited
        case protocolError
        case unsupportedArgument
        case layoutMismatch
        case limit
    }

    private let code: Code
    /// The sentence shown to the user.
    public let message: String
    /// The HTTP status, when a response arrived.
    public let status: Int?
    /// The error text Redis returned (HTTP 400), such as `WRONGTYPE ...` or `NOSCRIPT ...`.
    public let redisMessage: String?

    private init(_ code: Code, _ message: String, status: Int? = nil, redisMessage: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.redisMessage = redisMessage
    }

    public var description: String { message }

    public var exitCode: TickExitCode {
        switch code {
        case .invalidConfiguration, .unsupportedArgument: .config
        case .layoutMismatch: .schemaMismatch
        case .limit: .upstashLimit
        case .unauthorized: .redisAuth
        case .redisError, .transactionAborted: .redisError
        case .unreachable, .timedOut, .serverError, .rateLimited, .protocolError: .redisUnavailable
        }
    }

    /// Whether the endpoint could not be reached or answered with a transient failure.
    public var isUnavailable: Bool { exitCode == .redisUnavailable }
    /// Whether the token was rejected.
    public var isUnauthorized: Bool { code == .unauthorized }
    /// Whether Redis itself rejected the command.
    public var isRedisError: Bool { code == .redisError }
    /// Whether an Upstash limit refused the request (quota, size, connections): exit code 84.
    public var isLimit: Bool { code == .limit }
    /// Whether a script refused the prefix because its keys are in another layout version (``QueueKeys/layoutVersion``).
    public var isLayoutMismatch: Bool { code == .layoutMismatch }
    /// Whether a `/multi-exec` transaction was discarded as a whole.
    public var isTransactionAborted: Bool { code == .transactionAborted }

    /// A configuration value is missing or malformed.
    public static func invalidConfiguration(_ message: String) -> UpstashError { .init(.invalidConfiguration, message) }

    /// The endpoint could not be reached (exit 69).
    public static func unreachable(host: String, detail: String, attempts: Int) -> UpstashError {
        .init(.unreachable, "could not reach Upstash at \(host) (\(detail))\(Self.tries(attempts)): check UPSTASH_REDIS_REST_URL and the network")
    }

    static func timedOut(host: String, after: Duration, attempts: Int) -> UpstashError {
        .init(.timedOut, "Upstash at \(host) did not answer within \(Int(after.milliseconds)) ms\(Self.tries(attempts)): the service may be degraded; the next run will try again")
    }

    /// The token was rejected (exit 77).
    public static func unauthorized(host: String) -> UpstashError {
        .init(.unauthorized, "token rejected by \(host) (401): check UPSTASH_REDIS_REST_TOKEN (use the standard token, not the read-only one)", status: 401)
    }

    /// Redis rejected a command (exit 81), or a script refused another layout (exit 80).
    public static func redis(host: String, command: String, message: String, status: Int) -> UpstashError {
        if let mismatch = layoutMismatch(message) { return mismatch }
        if let limit = limit(host: host, message: message, status: status) { return limit }
        return .init(.redisError, "Redis at \(host) rejected \(command): \(message)", status: status, redisMessage: message)
    }

    /// Upstash's limit errors, by the text of its `ERR max ... exceeded` replies, with what to do about each.
    static let limits: [(text: String, advice: String)] = [
        ("max daily request limit exceeded", "the database's daily request limit is used up; it resets at 00:00 UTC, or raise the limit in the Upstash console (pay-as-you-go has none)"),
        ("max requests limit exceeded", "the database's request limit for the month is used up: upgrade the plan or wait for the next month; check tick stats --cost for what tick uses"),
        ("max request size exceeded", "one request was larger than Upstash allows (10 MB on free and pay-as-you-go): lower --batch or --chunk, or store large payloads elsewhere and pass a reference"),
        ("max single record size exceeded", "a job or key is larger than Upstash's record size limit: store large payloads elsewhere and pass a reference"),
        ("max concurrent connections exceeded", "too many connections to the database at once: run fewer ticks at the same time (--max-concurrent-ticks, fewer overlapping crons)"),
    ]

    /// The limit error of an Upstash `ERR max ... exceeded` message, or `nil` for any other.
    static func limit(host: String, message: String, status: Int) -> UpstashError? {
        let lower = message.lowercased()
        guard let limit = limits.first(where: { lower.contains($0.text) }) else { return nil }
        return .init(.limit, "Upstash at \(host) refused the request (\(limit.text)): \(limit.advice); nothing claimed is lost: the next run picks it up", status: status, redisMessage: message)
    }

    /// The error of a script's `TICKLAYOUT <found> <expected>` reply, or `nil` for any other message.
    static func layoutMismatch(_ message: String) -> UpstashError? {
        // Found anywhere in the text: a proxy may wrap a script's error in its own words.
        guard let code = message.firstRange(of: QueueKeys.layoutErrorCode + " ") else { return nil }
        let words = message[code.upperBound...].split(separator: " ")
        guard words.count >= 2, let found = Int(words[0]), let expected = Int(words[1].prefix { $0.isNumber }) else { return nil }
        let text =
            found > expected
            ? "the Redis keys under this prefix are in layout \(found), written by a newer tick; this tick reads layout \(expected): upgrade tick on every machine that runs it"
            : "the Redis keys under this prefix are in layout \(found); this tick reads layout \(expected): run `tick migrate` with this tick to upgrade them"
        return .init(.layoutMismatch, text, status: 400, redisMessage: message)
    }

    static func transactionAborted(host: String, message: String, status: Int) -> UpstashError {
        if let limit = limit(host: host, message: message, status: status) { return limit }
        return .init(.transactionAborted, "Redis at \(host) discarded the whole transaction: \(message)", status: status, redisMessage: message)
    }

    static func server(host: String, status: Int, detail: String, attempts: Int) -> UpstashError {
        let code: Code = status == 429 ? .rateLimited : .serverError
        let hint = status == 429 ? "the database's request rate or quota is exhausted" : "the service is failing"
        return .init(code, "Upstash at \(host) answered \(status)\(detail.isEmpty ? "" : " (\(detail))")\(Self.tries(attempts)): \(hint); the next run will try again", status: status)
    }

    static func protocolError(host: String, detail: String, status: Int?) -> UpstashError {
        .init(.protocolError, "unexpected reply from \(host)\(status.map { " (HTTP \($0))" } ?? ""): \(detail); is UPSTASH_REDIS_REST_URL an Upstash REST endpoint?", status: status)
    }

    static func unsupportedArgument(_ detail: String) -> UpstashError { .init(.unsupportedArgument, detail) }

    private static func tries(_ attempts: Int) -> String { attempts > 1 ? " after \(attempts) attempts" : "" }
}
