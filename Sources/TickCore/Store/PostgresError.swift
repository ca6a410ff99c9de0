/// Why talking to PostgreSQL failed, with one sentence that says what to do.
///
/// A struct over a private code (as `PSQLError` and `HTTPClientError` are), so cases can be added without
/// breaking callers. It carries the server's SQLSTATE and primary message when there is one, and the
/// endpoint (host, port, database, user). It never carries the password: every text taken from libpq
/// or the server passes through the connection string's redactor first.
public struct PostgresError: TickError, Equatable {
    /// The class of failure. Its `description` is a stable label without associated values, fit for a
    /// metric or a log key.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case missingVariable
            case malformedConnectionString
            case missingDirectURL
            case connectionFailed
            case authenticationFailed
            case timeout
            case connectionClosed
            case queryFailed
            case invalidParameter
            case transactionFailed
            case unexpectedResult
            case schemaTooOld
            case schemaTooNew
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A required environment variable (such as `DATABASE_URL`) is not set.
        public static let missingVariable = Code(.missingVariable)
        /// libpq cannot parse the connection string, or rejects one of its options.
        public static let malformedConnectionString = Code(.malformedConnectionString)
        /// Migrations were asked to run through a transaction pooler with no `DATABASE_URL_DIRECT`.
        public static let missingDirectURL = Code(.missingDirectURL)
        /// The server could not be reached, or refused the session for a reason other than credentials.
        public static let connectionFailed = Code(.connectionFailed)
        /// The server rejected the user or the password (SQLSTATE class 28).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The connection did not complete within the connect timeout.
        public static let timeout = Code(.timeout)
        /// The connection was lost (or closed) before or during a statement.
        public static let connectionClosed = Code(.connectionClosed)
        /// The server rejected a statement; ``PostgresError/sqlState`` says why.
        public static let queryFailed = Code(.queryFailed)
        /// A parameter cannot be sent (PostgreSQL text cannot hold a NUL character).
        public static let invalidParameter = Code(.invalidParameter)
        /// A transaction could not begin or commit, or was rolled back by the server.
        public static let transactionFailed = Code(.transactionFailed)
        /// A result lacks a column tick reads, or holds a value of another type.
        public static let unexpectedResult = Code(.unexpectedResult)
        /// The database schema is older than this binary: run `tick migrate`.
        public static let schemaTooOld = Code(.schemaTooOld)
        /// The database schema is newer than this binary.
        public static let schemaTooNew = Code(.schemaTooNew)

        /// The code's stable name, such as `authenticationFailed`.
        public var description: String { base.rawValue }
    }

    /// The class of failure.
    public let code: Code
    /// The server's SQLSTATE (such as `28P01` or `42P01`), when the server reported the failure.
    public let sqlState: String?
    /// The server's (or libpq's) primary message, with the password removed.
    public let serverMessage: String?
    /// Where the failure happened; `nil` before a connection string was parsed.
    public let endpoint: PostgresEndpoint?
    /// One actionable sentence, safe to print: it never contains the password.
    public let description: String

    init(
        _ code: Code, _ description: String, sqlState: String? = nil, serverMessage: String? = nil,
        endpoint: PostgresEndpoint? = nil
    ) {
        self.code = code
        self.description = description
        self.sqlState = sqlState
        self.serverMessage = serverMessage
        self.endpoint = endpoint
    }

    /// `config` for configuration mistakes, `schemaMismatch` for a schema of another version,
    /// `dataError` for an unsendable parameter, `internalError` for a result tick cannot read, and
    /// `postgresUnavailable` for everything the server or the network caused.
    public var exitCode: TickExitCode {
        switch code {
        case .missingVariable, .malformedConnectionString, .missingDirectURL: .config
        case .schemaTooOld, .schemaTooNew: .schemaMismatch
        case .invalidParameter: .dataError
        case .unexpectedResult: .internalError
        default: .postgresUnavailable
        }
    }
}

// MARK: - The messages, in one place

extension PostgresError {
    /// The name used in messages for the variable a connection string came from.
    private static func source(_ variable: String?) -> String { variable ?? "the connection string" }

    private static func sqlStateSuffix(_ sqlState: String?) -> String {
        sqlState.map { " (SQLSTATE \($0))" } ?? ""
    }

    static func missingVariable(_ variable: String) -> PostgresError {
        PostgresError(
            .missingVariable,
            "\(variable) is not set: set it to the PostgreSQL connection string, such as "
                + "postgresql://user:password@host:5432/dbname")
    }

    static func malformedConnectionString(variable: String?, reason: String) -> PostgresError {
        PostgresError(
            .malformedConnectionString,
            "\(source(variable)) is not a valid PostgreSQL connection string (\(reason)): use "
                + "postgresql://user:password@host:5432/dbname or key=value pairs such as "
                + "\"host=… port=5432 dbname=… user=…\"",
            serverMessage: reason)
    }

    static func invalidConnectTimeout(_ timeout: Duration) -> PostgresError {
        PostgresError(
            .malformedConnectionString,
            "the PostgreSQL connect timeout must be positive, not \(PQText.seconds(timeout))")
    }

    static func missingDirectURL(pooler: PostgresEndpoint, variable: String, directVariable: String) -> PostgresError {
        PostgresError(
            .missingDirectURL,
            "\(variable) points at a transaction pooler (\(poolerHint(pooler))), which cannot run DDL safely: "
                + "set \(directVariable) to the direct connection (port \(PostgresEndpoint.defaultPort))",
            endpoint: pooler)
    }

    static func directURLIsPooler(_ direct: PostgresEndpoint, directVariable: String) -> PostgresError {
        PostgresError(
            .missingDirectURL,
            "\(directVariable) points at a transaction pooler too (\(poolerHint(direct))): set it to the direct "
                + "connection (port \(PostgresEndpoint.defaultPort))",
            endpoint: direct)
    }

    private static func poolerHint(_ endpoint: PostgresEndpoint) -> String {
        let ports = (endpoint.port ?? "").split(separator: ",").map { PQText.trimmed(String($0)) }
        return ports.contains(PostgresEndpoint.transactionPoolerPort)
            ? "port \(PostgresEndpoint.transactionPoolerPort)" : "host \(endpoint.host ?? "")"
    }

    /// PostgreSQL could not be reached (exit 79).
    public static func unreachable(_ endpoint: PostgresEndpoint, reason: String, variable: String) -> PostgresError {
        PostgresError(
            .connectionFailed,
            "could not reach PostgreSQL at \(endpoint.address) (\(reason)): check \(variable) and that the server is up",
            serverMessage: reason, endpoint: endpoint)
    }

    static func timedOut(_ endpoint: PostgresEndpoint, after timeout: Duration, variable: String) -> PostgresError {
        PostgresError(
            .timeout,
            "could not reach PostgreSQL at \(endpoint.address) within \(PQText.seconds(timeout)): "
                + "check \(variable) and that the server is up",
            endpoint: endpoint)
    }

    static func rejected(_ endpoint: PostgresEndpoint, sqlState: String, message: String, variable: String)
        -> PostgresError
    {
        let user = endpoint.user.map { "\"\($0)\"" } ?? "(default)"
        if sqlState == "28P01" {
            return PostgresError(
                .authenticationFailed,
                "PostgreSQL at \(endpoint.address) rejected the password for user \(user) (SQLSTATE 28P01): "
                    + "check \(variable)",
                sqlState: sqlState, serverMessage: message, endpoint: endpoint)
        }
        if sqlState.hasPrefix("28") {
            return PostgresError(
                .authenticationFailed,
                "PostgreSQL at \(endpoint.address) rejected user \(user): \(message) (SQLSTATE \(sqlState)): "
                    + "check \(variable)",
                sqlState: sqlState, serverMessage: message, endpoint: endpoint)
        }
        // 3D000 (no such database), 53300 (too many connections), 57P03 (starting up), ...
        return PostgresError(
            .connectionFailed,
            "PostgreSQL at \(endpoint.address) refused the connection: \(message) (SQLSTATE \(sqlState)): "
                + "check \(variable) and the server",
            sqlState: sqlState, serverMessage: message, endpoint: endpoint)
    }

    /// The connection was lost mid-run (exit 79).
    public static func connectionClosed(_ endpoint: PostgresEndpoint, reason: String?) -> PostgresError {
        let detail = reason.map { " (\($0))" } ?? ""
        return PostgresError(
            .connectionClosed,
            "the connection to PostgreSQL at \(endpoint.addressAndDatabase) was lost\(detail): "
                + "check that the server is up; the next run resumes from the last recorded item",
            serverMessage: reason, endpoint: endpoint)
    }

    static func usedAfterClose(_ endpoint: PostgresEndpoint) -> PostgresError {
        PostgresError(
            .connectionClosed,
            "the connection to PostgreSQL at \(endpoint.addressAndDatabase) was already closed: this is a bug in tick",
            endpoint: endpoint)
    }

    /// - Parameter missingTickTable: the statement failed because one of tick's own tables does not exist: the
    ///   schema was never migrated (exit 80, "run tick migrate"), decided on the server's unredacted message.
    static func queryFailed(_ endpoint: PostgresEndpoint, sqlState: String?, message: String, missingTickTable: Bool = false) -> PostgresError {
        if missingTickTable {
            return schemaTooOld(endpoint, current: 0, expected: Migrations.tick.latestVersion)
        }
        var advice = ""
        // undefined_table, undefined_column, undefined_function: the schema is probably not migrated.
        if let sqlState, ["42P01", "42703", "42883"].contains(sqlState) {
            advice = ": is the schema up to date? run `tick migrate`"
        }
        return PostgresError(
            .queryFailed,
            "PostgreSQL at \(endpoint.addressAndDatabase) rejected a statement: \(message)\(sqlStateSuffix(sqlState))\(advice)",
            sqlState: sqlState, serverMessage: message, endpoint: endpoint)
    }

    static func invalidParameter(_ endpoint: PostgresEndpoint, number: Int) -> PostgresError {
        PostgresError(
            .invalidParameter,
            "parameter $\(number) contains a NUL character, which PostgreSQL text cannot store: remove it from the input",
            endpoint: endpoint)
    }

    static func tooManyParameters(_ endpoint: PostgresEndpoint, count: Int) -> PostgresError {
        PostgresError(
            .invalidParameter,
            "a statement has \(count) parameters, more than PostgreSQL's 65535: this is a bug in tick",
            endpoint: endpoint)
    }

    static func transactionFailed(
        _ endpoint: PostgresEndpoint, _ what: String, sqlState: String? = nil, message: String? = nil
    ) -> PostgresError {
        let detail = message.map { ": \($0)" } ?? ""
        return PostgresError(
            .transactionFailed,
            "PostgreSQL at \(endpoint.addressAndDatabase) \(what)\(detail)\(sqlStateSuffix(sqlState))",
            sqlState: sqlState, serverMessage: message, endpoint: endpoint)
    }

    static func unexpectedResult(_ what: String) -> PostgresError {
        PostgresError(
            .unexpectedResult, "a PostgreSQL result \(what): this is a bug in tick, or the schema was changed by hand")
    }

    static func invalidMigrationList(version: Int) -> PostgresError {
        PostgresError(
            .unexpectedResult,
            "the migration list has an invalid or repeated version \(version): this is a bug in tick")
    }

    /// The tables are missing or older than this binary (exit 80).
    public static func schemaTooOld(_ endpoint: PostgresEndpoint, current: Int, expected: Int) -> PostgresError {
        PostgresError(
            .schemaTooOld,
            "the database schema at \(endpoint.addressAndDatabase) is at version \(current), but this tick needs "
                + "version \(expected): run `tick migrate`",
            endpoint: endpoint)
    }

    static func schemaTooNew(_ endpoint: PostgresEndpoint, current: Int, expected: Int) -> PostgresError {
        PostgresError(
            .schemaTooNew,
            "the database schema at \(endpoint.addressAndDatabase) is at version \(current), newer than this tick "
                + "(version \(expected)): upgrade tick, or check that the database URL points at the right database",
            endpoint: endpoint)
    }
}
