extension HTTPHandler {
    /// What an ``HTTPHandler`` calls and within which limits. Every default is a named constant.
    public struct Configuration: Sendable, Hashable {
        /// The endpoint, `http://` or `https://`, with `${NAME}` already expanded.
        public var url: String
        /// `POST` (the default), `PUT` or `PATCH`.
        public var method: String
        /// Extra request headers, name to value (`${NAME}` already expanded). Never logged.
        public var headers: [Header]
        /// Signs each request (`Tick-Signature`); `nil` only when the config says `"unsigned": true`.
        public var signer: HTTPSigner?
        /// At most this many requests of this handler in flight in one run; `nil` for no limit beyond the
        /// run's `--concurrency`.
        public var concurrency: Int?
        /// At most this many requests per period, across every run that shares the Redis prefix.
        public var rate: Rate?
        /// Bytes of a 2xx body stored as the item's result; a longer body is not stored.
        public var maxResultBytes: Int
        /// A CA bundle (PEM) to verify the server with, instead of the system's.
        public var caBundle: String?
        /// The longest `Retry-After` honoured; a longer one is cut to this.
        public var maxRetryAfter: Duration

        /// One extra request header.
        public struct Header: Sendable, Hashable {
            public var name: String
            /// The value, which may hold a credential: never logged.
            public var value: Secret
            public init(name: String, value: Secret) {
                self.name = name
                self.value = value
            }
        }

        /// A request rate: `requests` per `period`.
        public struct Rate: Sendable, Hashable {
            public var requests: Int
            public var period: Duration
            public init(requests: Int, period: Duration) {
                self.requests = requests
                self.period = period
            }
        }

        /// 64 KiB of response body kept as a result.
        public static let defaultMaxResultBytes = 64 << 10
        /// Largest `max_result_bytes`: 1 MiB, as for `exec` handlers' standard output.
        public static let maximumResultBytes = 1 << 20
        /// `Retry-After` is honoured up to 15 minutes.
        public static let defaultMaxRetryAfter: Duration = .seconds(900)
        /// The methods an endpoint can be called with.
        public static let methods: Set<String> = ["POST", "PUT", "PATCH"]

        /// Makes a configuration.
        /// - Parameters:
        ///   - url: the endpoint.
        ///   - method: `POST`, `PUT` or `PATCH`.
        ///   - headers: extra headers.
        ///   - signer: the request signer, or `nil` to send unsigned requests.
        ///   - concurrency: requests in flight at most, or `nil`.
        ///   - rate: requests per period at most, or `nil`.
        ///   - maxResultBytes: bytes of a 2xx body kept as the result.
        ///   - caBundle: a CA bundle path, or `nil` for the system's.
        public init(
            url: String, method: String = "POST", headers: [Header] = [], signer: HTTPSigner?,
            concurrency: Int? = nil, rate: Rate? = nil, maxResultBytes: Int = Configuration.defaultMaxResultBytes,
            caBundle: String? = nil
        ) {
            self.url = url
            self.method = method
            self.headers = headers
            self.signer = signer
            self.concurrency = concurrency
            self.rate = rate
            self.maxResultBytes = maxResultBytes
            self.caBundle = caBundle
            self.maxRetryAfter = Self.defaultMaxRetryAfter
        }

        /// The URL without its query and credentials, for messages and logs (a query can carry a token).
        public var displayURL: String {
            var text = url
            if let query = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = String(text[..<query]) }
            if let scheme = text.firstRange(of: "://") {
                let rest = text[scheme.upperBound...]
                let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
                if let at = rest[..<hostEnd].lastIndex(of: "@") {
                    text = String(text[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
                }
            }
            return text
        }
    }
}
