import Foundation

/// What a test's `pgbouncer` is told: the PostgreSQL behind it (from a `postgresql://` URL), where it listens,
/// and the pool it keeps; renders `pgbouncer.ini` and the auth file, and the URLs that go through it.
///
/// The password lives only in ``upstream`` and the auth file it renders: ``description`` and every message
/// leave it out, and the URLs it builds are passed to processes, never printed.
struct PgBouncerConfiguration: CustomStringConvertible {
    /// The direct connection, parsed once.
    struct Upstream {
        var host: String
        var port: Int
        var user: String
        var password: String
    }

    /// Supabase's transaction pooler port, which `PostgresEndpoint.isPooler` recognises.
    static let poolerPort = 6543

    let upstream: Upstream
    /// Where `pgbouncer` listens (always 127.0.0.1).
    var listenPort = Self.poolerPort
    /// Server connections per database and user: small, so clients share them.
    var poolSize = 2

    /// Reads host, port, user and password from a `postgresql://` URL such as `TICK_TEST_DATABASE_URL`.
    /// - Throws: ``Unusable`` (without the URL, which holds the password) when one is missing.
    init(directURL: String) throws {
        guard let parts = URLComponents(string: directURL), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
            let host = parts.host, !host.isEmpty, let user = parts.user, let password = parts.password
        else {
            throw Unusable(reason: "the test database URL is not a postgresql://user:password@host:port/db URL")
        }
        upstream = Upstream(host: host, port: parts.port ?? 5432, user: user, password: password)
    }

    var description: String {
        "pgbouncer on 127.0.0.1:\(listenPort) (transaction mode, pool size \(poolSize)) in front of \(upstream.host):\(upstream.port) as user \"\(upstream.user)\""
    }

    /// `pgbouncer.ini`: every database name forwarded to the upstream, SCRAM for clients and server,
    /// no Unix socket (so it cannot collide with another pgbouncer's).
    func ini(directory: URL) -> String {
        """
        [databases]
        * = host=\(upstream.host) port=\(upstream.port)

        [pgbouncer]
        listen_addr = 127.0.0.1
        listen_port = \(listenPort)
        unix_socket_dir =
        auth_type = scram-sha-256
        auth_file = \(directory.appendingPathComponent("userlist.txt").path)
        pool_mode = transaction
        default_pool_size = \(poolSize)
        min_pool_size = 0
        reserve_pool_size = 0
        max_client_conn = 100
        logfile = \(directory.appendingPathComponent("pgbouncer.log").path)
        pidfile = \(directory.appendingPathComponent("pgbouncer.pid").path)

        """
    }

    /// The auth file: the user and its plain password (pgbouncer derives SCRAM from it for both sides).
    var authFile: String {
        "\(Self.quoted(upstream.user)) \(Self.quoted(upstream.password))\n"
    }

    /// `postgresql://user:password@127.0.0.1:6543/database`: through the pooler.
    func pooledURL(database: String) -> String { url(host: "127.0.0.1", port: listenPort, database: database) }

    /// The same database over the direct connection (what `DATABASE_URL_DIRECT` names).
    func directURL(database: String) -> String { url(host: upstream.host, port: upstream.port, database: database) }

    private func url(host: String, port: Int, database: String) -> String {
        var parts = URLComponents()
        parts.scheme = "postgresql"
        parts.user = upstream.user
        parts.password = upstream.password
        parts.host = host
        parts.port = port
        parts.path = "/" + database
        return parts.string ?? ""
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    struct Unusable: Error, CustomStringConvertible {
        let reason: String
        var description: String { "cannot configure pgbouncer: \(reason)" }
    }
}
