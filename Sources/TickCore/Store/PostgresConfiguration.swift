/// How to connect to PostgreSQL: a libpq connection string plus tick's connect timeout and application name.
///
/// The string is checked once, when the configuration is made: a malformed one fails here with exit code
/// `config`, not later in the middle of a run. Printing a configuration never shows the password.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// The variable tick reads the connection string from: `DATABASE_URL`.
    public static let databaseURLVariable = "DATABASE_URL"
    /// The variable holding the direct (non-pooler) connection used for migrations: `DATABASE_URL_DIRECT`.
    public static let directDatabaseURLVariable = "DATABASE_URL_DIRECT"
    /// Default bound on establishing a connection: 5 seconds.
    ///
    /// A cron run has a budget of about a minute, so an unreachable database must fail it quickly; a
    /// healthy local or same-region server connects in a few milliseconds.
    public static let defaultConnectTimeout: Duration = .seconds(5)
    /// Default `application_name`, shown in `pg_stat_activity`: `tick`.
    public static let defaultApplicationName = "tick"

    /// The libpq connection string: a URI (`postgresql://user:password@host:5432/db?sslmode=require`) or
    /// key/value pairs (`host=… port=… dbname=… user=… password=…`). Every libpq option in it applies
    /// (`sslmode`, `sslrootcert`, `target_session_attrs`, …) and wins over tick's own defaults.
    public let conninfo: Secret
    /// Bound on establishing a connection (TCP, TLS, authentication), used when the string sets no
    /// `connect_timeout`. Defaults to ``defaultConnectTimeout`` (5 s).
    public let connectTimeout: Duration
    /// The `application_name` reported to the server, used when the string sets none.
    /// Defaults to ``defaultApplicationName`` (`tick`).
    public let applicationName: String
    /// The name of the environment variable the string came from, named in error messages
    /// ("check DATABASE_URL"). Defaults to ``databaseURLVariable``.
    public let variableName: String
    /// Where the string points, as written in it; safe to print.
    public let endpoint: PostgresEndpoint

    /// The `connect_timeout` the string itself sets, if any, in libpq's terms (seconds; 0 or less waits forever).
    let connectTimeoutInString: Int?
    /// Removes the string's password from any text.
    let redactor: PQRedactor

    /// Makes a configuration from a connection string.
    /// - Parameters:
    ///   - conninfo: a libpq URI or key/value connection string.
    ///   - variableName: the environment variable it came from, for messages. Defaults to `DATABASE_URL`.
    ///   - connectTimeout: bound on connecting when the string sets no `connect_timeout`; must be positive.
    ///     Defaults to 5 s.
    ///   - applicationName: `application_name` when the string sets none. Defaults to `tick`.
    /// - Throws: ``PostgresError`` with code `malformedConnectionString` (exit code `config`) if libpq
    ///   cannot parse the string or the timeout is not positive.
    public init(
        conninfo: Secret,
        variableName: String = PostgresConfiguration.databaseURLVariable,
        connectTimeout: Duration = PostgresConfiguration.defaultConnectTimeout,
        applicationName: String = PostgresConfiguration.defaultApplicationName
    ) throws(PostgresError) {
        guard connectTimeout > .zero else { throw .invalidConnectTimeout(connectTimeout) }
        let options: [String: String]
        switch PQConninfo.parse(conninfo.revealed) {
        case .success(let parsed):
            options = parsed.options
        case .failure(let failure):
            let redact = PQRedactor(conninfo: conninfo.revealed, parsedPassword: nil)
            throw .malformedConnectionString(variable: variableName, reason: redact(failure.message))
        }
        let redactor = PQRedactor(conninfo: conninfo.revealed, parsedPassword: options["password"])
        if let problem = PostgresEndpoint.problem(in: options) {
            throw .malformedConnectionString(variable: variableName, reason: redactor(problem))
        }
        self.conninfo = conninfo
        self.variableName = variableName
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
        self.endpoint = PostgresEndpoint(options: options)
        self.redactor = redactor
        if let text = options["connect_timeout"] {
            guard let seconds = Int(PQText.trimmed(text)) else {
                throw .malformedConnectionString(
                    variable: variableName, reason: "connect_timeout must be a whole number of seconds")
            }
            self.connectTimeoutInString = seconds
        } else {
            self.connectTimeoutInString = nil
        }
    }

    /// Reads the connection string from the environment.
    /// - Parameters:
    ///   - environment: the process environment (pass `ProcessInfo.processInfo.environment` or a test's own).
    ///   - variable: which variable to read: `DATABASE_URL` (the default) or `DATABASE_URL_DIRECT`.
    ///   - connectTimeout: bound on connecting when the string sets no `connect_timeout`. Defaults to 5 s.
    ///   - applicationName: `application_name` when the string sets none. Defaults to `tick`.
    /// - Throws: ``PostgresError`` (exit code `config`) naming the variable if it is missing, empty or malformed.
    public init(
        environment: [String: String],
        variable: String = PostgresConfiguration.databaseURLVariable,
        connectTimeout: Duration = PostgresConfiguration.defaultConnectTimeout,
        applicationName: String = PostgresConfiguration.defaultApplicationName
    ) throws(PostgresError) {
        guard let value = environment[variable], !PQText.trimmed(value).isEmpty else {
            throw .missingVariable(variable)
        }
        try self.init(
            conninfo: Secret(value), variableName: variable, connectTimeout: connectTimeout,
            applicationName: applicationName)
    }

    /// The shortest connect timeout libpq honours: it counts `connect_timeout` in whole seconds and raises 1 to 2.
    public static let minimumConnectTimeout: Duration = .seconds(2)

    /// How long tick waits for a connection: the string's `connect_timeout` if it sets one (with libpq's
    /// rules: at least 2 s, and 0 or less means no bound, returned as `nil`), else ``connectTimeout``.
    public var effectiveConnectTimeout: Duration? {
        guard let seconds = connectTimeoutInString else { return connectTimeout }
        return seconds <= 0 ? nil : .seconds(max(seconds, 2))
    }

    /// `connect_timeout` as tick passes it to libpq: whole seconds, rounded up.
    var connectTimeoutKeywordValue: String {
        let (seconds, attoseconds) = connectTimeout.components
        return String(max(1, seconds + (attoseconds > 0 ? 1 : 0)))
    }

    /// The endpoint and where it came from; never the password.
    public var description: String {
        "PostgreSQL \(endpoint) (from \(variableName), connect timeout \(effectiveConnectTimeout.map(PQText.seconds) ?? "none"))"
    }
}
