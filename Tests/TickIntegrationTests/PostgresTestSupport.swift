import Foundation
import Testing
import TickCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Connections to the test database, inside a schema of this suite's own so other suites' tick_* tables
/// are never touched, and helpers to derive variants of the test URL.
enum PostgresTestSupport {
    /// The schema the PostgreSQL suite works in.
    static let schema = "tick_pg_tests"

    /// `TICK_TEST_DATABASE_URL` with an extra libpq option (a later keyword wins in libpq, and URI query
    /// parameters are read after the user-info, so this also replaces a password).
    static func url(_ base: String, adding key: String, _ value: String) -> String {
        if base.contains("://") {
            let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
            return base + (base.contains("?") ? "&" : "?") + "\(key)=\(encoded)"
        }
        return base + " \(key)='\(value)'"
    }

    /// The test URL, confined to ``schema`` (a startup option, not a session `SET`).
    static func isolatedURL() throws -> String {
        url(try TestEnvironment.databaseURL(), adding: "options", "-csearch_path=\(schema)")
    }

    /// A configuration for the isolated test database.
    static func configuration(connectTimeout: Duration = .seconds(5)) throws -> PostgresConfiguration {
        try PostgresConfiguration(
            conninfo: Secret(isolatedURL()), variableName: "TICK_TEST_DATABASE_URL", connectTimeout: connectTimeout)
    }

    /// A connection to the isolated test database.
    static func connect() throws -> PostgresConnection {
        try PostgresConnection(configuration: configuration())
    }

    /// Creates the suite's schema if needed and drops every tick_* table in it.
    static func reset() throws {
        let connection = try connect()
        defer { connection.close() }
        try connection.query("CREATE SCHEMA IF NOT EXISTS \(schema)")
        try connection.query(
            """
            DO $$
            DECLARE t record;
            BEGIN
                FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'tick\\_%' LOOP
                    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', t.tablename);
                END LOOP;
            END $$
            """)
    }
}

/// A TCP socket on 127.0.0.1 with an ephemeral port: bound only (connections are refused), or listening
/// but never accepting (the kernel completes the handshake, then nothing ever answers).
final class PostgresLoopbackSocket {
    let descriptor: Int32
    let port: Int

    init(listening: Bool) throws {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw SocketFailure(step: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw SocketFailure(step: "bind")
        }
        if listening {
            guard listen(descriptor, 16) == 0 else {
                close(descriptor)
                throw SocketFailure(step: "listen")
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            close(descriptor)
            throw SocketFailure(step: "getsockname")
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }

    struct SocketFailure: Error { let step: String }
}
