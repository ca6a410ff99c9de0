/// A blocking HTTP `GET` through libcurl, for callers outside TickCore (such as `tick cron`).
///
/// Each call uses a fresh connection (no keep-alive between calls), never follows redirects (a 3xx is the
/// answer), and blocks the calling thread until the response or the timeout. Header values are sent as given
/// and never logged here; keep secrets out of the URL.
public enum HTTPGet: Sendable {
    /// One request header.
    public struct Header: Sendable, Hashable {
        /// The header name, such as `User-Agent`.
        public let name: String
        /// The value, sent as given.
        public let value: String

        /// Makes a header.
        /// - Parameters:
        ///   - name: the header name.
        ///   - value: the value.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The response, whatever its status.
    public struct Response: Sendable, Hashable {
        /// The HTTP status, such as 200.
        public let status: Int
        /// Response headers, names lower-cased (the last value of a repeated header wins).
        public let headers: [String: String]
        /// The body.
        public let body: [UInt8]
    }

    /// Sends `GET url` and waits for the response.
    /// - Parameters:
    ///   - url: an `http://` or `https://` URL.
    ///   - headers: request headers; names and values must not contain line breaks.
    ///   - timeout: bound on the whole exchange; the connection alone is bounded by the smaller of this and 10 s.
    /// - Returns: the response, whatever its status (3xx included).
    /// - Throws: ``HTTPGetError`` when no complete response arrived, or a header is malformed.
    public static func get(_ url: String, headers: [Header] = [], timeout: Duration) throws(HTTPGetError) -> Response {
        var lines: [String] = []
        for header in headers {
            let text = header.name + header.value
            guard !header.name.isEmpty, !header.name.contains(":"), !text.contains("\r"), !text.contains("\n") else {
                throw HTTPGetError(kind: .notSent, message: "header \(JSONText.quoted(header.name)) has an invalid name or a line break")
            }
            lines.append("\(header.name): \(header.value)")
        }
        let request = HTTPRequest(
            method: .get, url: url, headers: lines, body: [], connectTimeout: min(timeout, .seconds(10)), totalTimeout: timeout)
        do {
            let handle = try CurlEasyHandle()
            let response = try handle.perform(request)
            return Response(status: response.status, headers: response.headers, body: response.body)
        } catch {
            throw HTTPGetError(kind: HTTPGetError.Kind(error.kind), message: error.message)
        }
    }
}

/// Why an HTTP `GET` produced no response.
///
/// Exit code 69 (``TickExitCode/redisUnavailable``, sysexits' EX_UNAVAILABLE): the service did not answer.
public struct HTTPGetError: TickError, Equatable {
    /// What happened to the request.
    public enum Kind: Sendable, Hashable {
        /// Nothing was sent: bad URL or header, DNS failure, connection refused, TLS handshake failure.
        case notSent
        /// The request may have reached the server, but no complete reply came back in time.
        case timedOut
        /// The request may have reached the server; the connection failed before a full reply.
        case replyLost
        /// A local failure (out of memory, libcurl not initialised).
        case local

        init(_ kind: TransportError.Kind) {
            switch kind {
            case .notSent: self = .notSent
            case .timedOut: self = .timedOut
            case .replyLost: self = .replyLost
            case .local: self = .local
            }
        }
    }

    /// What happened to the request.
    public let kind: Kind
    /// libcurl's explanation, such as `Failed to connect to 127.0.0.1 port 9: Connection refused`.
    public let message: String

    public var description: String { message }

    public var exitCode: TickExitCode { .redisUnavailable }
}
