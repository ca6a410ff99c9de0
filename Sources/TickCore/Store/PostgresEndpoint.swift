/// Where a connection string points: host, port, database and user, and never the password.
///
/// Built by libpq's own parser (`PQconninfoParse`), so URIs (`postgresql://user:pw@host:6543/db`) and
/// key/value strings (`host=… port=… dbname=…`) describe the same way. Safe to print and log.
public struct PostgresEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The port of Supabase's shared transaction pooler (PgBouncer-style, transaction mode).
    public static let transactionPoolerPort = "6543"
    /// PostgreSQL's default port, which is also Supabase's direct (session) connection.
    public static let defaultPort = "5432"

    /// The host name, IP address or socket directory, as written (a comma-separated list for a multi-host
    /// string); `nil` when the string names none and libpq uses its default (a Unix socket or `PGHOST`).
    public let host: String?
    /// The port as written (a comma-separated list for a multi-host string); `nil` means libpq's default, 5432.
    public let port: String?
    /// The database name; `nil` means libpq's default (the user name).
    public let database: String?
    /// The user name; `nil` means libpq's default (the operating-system user).
    public let user: String?

    /// Describes an endpoint.
    /// - Parameters:
    ///   - host: host name, address or socket directory; `nil` for libpq's default.
    ///   - port: port; `nil` for 5432.
    ///   - database: database name; `nil` for libpq's default.
    ///   - user: user name; `nil` for libpq's default.
    public init(host: String?, port: String?, database: String?, user: String?) {
        self.host = host.flatMap { $0.isEmpty ? nil : $0 }
        self.port = port.flatMap { $0.isEmpty ? nil : $0 }
        self.database = database.flatMap { $0.isEmpty ? nil : $0 }
        self.user = user.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Parses a connection string with libpq and keeps everything but the password.
    /// - Parameter conninfo: a libpq URI or key/value connection string.
    /// - Throws: ``PostgresError`` (exit code `config`) if libpq cannot parse the string; the message
    ///   never contains the password.
    public init(conninfo: String) throws(PostgresError) {
        switch PQConninfo.parse(conninfo) {
        case .success(let parsed):
            if let problem = Self.problem(in: parsed.options) {
                throw .malformedConnectionString(variable: nil, reason: problem)
            }
            self.init(options: parsed.options)
        case .failure(let failure):
            let redact = PQRedactor(conninfo: conninfo, parsedPassword: nil)
            throw .malformedConnectionString(variable: nil, reason: redact(failure.message))
        }
    }

    /// Builds an endpoint from libpq options (`host` or else `hostaddr`, `port`, `dbname`, `user`).
    init(options: [String: String]) {
        self.init(
            host: options["host"].flatMap { $0.isEmpty ? nil : $0 } ?? options["hostaddr"],
            port: options["port"], database: options["dbname"], user: options["user"])
    }

    /// What libpq would reject later, at connect time, that tick can tell now: a port that is not a number
    /// from 1 to 65535. `nil` when the options look right.
    static func problem(in options: [String: String]) -> String? {
        guard let ports = options["port"] else { return nil }
        for port in ports.split(separator: ",", omittingEmptySubsequences: false) {
            let text = PQText.trimmed(String(port))
            guard text.isEmpty || (Int(text).map { (1...65535).contains($0) } ?? false) else {
                return "the port \"\(text)\" is not a number from 1 to 65535"
            }
        }
        return nil
    }

    /// Whether this is a transaction-mode pooler (PgBouncer, Supabase Supavisor on port 6543, Neon's
    /// `-pooler.` hosts): the port is 6543 or a host name contains `pooler.`.
    ///
    /// Through such a pooler every transaction may run on a different server session: named prepared
    /// statements, `SET`, session advisory locks, `LISTEN` and temporary tables do not work, and DDL
    /// should go through the direct connection (port 5432) instead.
    public var isPooler: Bool {
        let ports = (port ?? "").split(separator: ",").map { PQText.trimmed(String($0)) }
        let hosts = (host ?? "").split(separator: ",").map { $0.lowercased() }
        return ports.contains(Self.transactionPoolerPort) || hosts.contains { $0.contains("pooler.") }
    }

    /// `host:port`, with libpq's defaults filled in (`host1:5432,host2:5432` for several hosts).
    public var address: String {
        let hosts = (host ?? "default socket").split(separator: ",", omittingEmptySubsequences: false)
        let ports = (port ?? Self.defaultPort).split(separator: ",", omittingEmptySubsequences: false)
        return hosts.enumerated().map { index, host in
            let port = ports.count == hosts.count ? ports[index] : (ports.first ?? Substring(Self.defaultPort))
            return "\(host):\(port.isEmpty ? Substring(Self.defaultPort) : port)"
        }.joined(separator: ",")
    }

    /// `host:port/database` (without `/database` when the string names none).
    public var addressAndDatabase: String {
        database.map { "\(address)/\($0)" } ?? address
    }

    /// `host:port/database as user "name"`; never contains the password.
    public var description: String {
        user.map { "\(addressAndDatabase) as user \"\($0)\"" } ?? addressAndDatabase
    }
}
