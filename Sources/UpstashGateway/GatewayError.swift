/// An error the gateway answers with `{"error": "..."}`.
///
/// The message is what the client sees, so it never contains the token. Errors that Redis itself
/// returns for a command are not `GatewayError`s: they are ``RESPValue/error(_:)`` replies.
public struct GatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; decides the HTTP status.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case badRequest
            case unauthorized
            case methodNotAllowed
            case redisUnavailable
            case shuttingDown
            case invalidConfiguration
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The request is malformed or asks for something the gateway refuses (HTTP 400).
        public static let badRequest = Code(.badRequest)
        /// The token is missing or wrong (HTTP 401).
        public static let unauthorized = Code(.unauthorized)
        /// The HTTP method is not one of HEAD, GET, POST, PUT (HTTP 405).
        public static let methodNotAllowed = Code(.methodNotAllowed)
        /// Redis could not be reached or the connection broke mid-exchange (HTTP 500).
        public static let redisUnavailable = Code(.redisUnavailable)
        /// The gateway is stopping (or the request was cancelled) and no longer runs commands (HTTP 503).
        public static let shuttingDown = Code(.shuttingDown)
        /// A start-up setting is unusable; never sent over HTTP (HTTP 500 if it were).
        public static let invalidConfiguration = Code(.invalidConfiguration)

        /// The HTTP status code this kind of error is answered with.
        public var httpStatus: Int {
            switch self.base {
            case .badRequest: 400
            case .unauthorized: 401
            case .methodNotAllowed: 405
            case .redisUnavailable: 500
            case .shuttingDown: 503
            case .invalidConfiguration: 500
            }
        }

        /// A short name for logs.
        public var description: String {
            switch self.base {
            case .badRequest: "badRequest"
            case .unauthorized: "unauthorized"
            case .methodNotAllowed: "methodNotAllowed"
            case .redisUnavailable: "redisUnavailable"
            case .shuttingDown: "shuttingDown"
            case .invalidConfiguration: "invalidConfiguration"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// The text sent to the client in the `error` field.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure, which decides the HTTP status.
    ///   - message: The text sent to the client; must not contain secrets.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, for logs.
    public var description: String { "\(self.code): \(self.message)" }

    static let unauthorized = GatewayError(.unauthorized, "Unauthorized")
    static let requestTooLarge = GatewayError(.badRequest, "ERR max request size exceeded")

    static func methodNotAllowed(_ method: String) -> GatewayError {
        GatewayError(.methodNotAllowed, "ERR method \(method) is not allowed; use HEAD, GET, POST or PUT")
    }

    static func redisUnavailable(_ detail: String) -> GatewayError {
        GatewayError(.redisUnavailable, "ERR Redis is unavailable: \(detail)")
    }
}
