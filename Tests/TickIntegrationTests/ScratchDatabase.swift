import Foundation
import TickCore

/// A database of one test's own beside the test database, dropped at the end: for assertions over whole
/// tables (`tick runs` totals) that rows written by parallel tests must not disturb.
struct ScratchDatabase {
    let name: String
    let url: String
    private let baseURL: String

    /// Creates an empty database (no tick schema yet) named after `prefix`.
    init(prefix: String) throws {
        baseURL = try TestEnvironment.databaseURL()
        name = "tick_scratch_\(prefix.lowercased())"
        guard let slash = baseURL.lastIndex(of: "/") else {
            throw Unsupported(description: "TICK_TEST_DATABASE_URL must be a URI ending in /DATABASE, not a key/value string")
        }
        url = String(baseURL[..<slash]) + "/" + name
        try admin { try $0.query("CREATE DATABASE \(name)") }
    }

    /// Applies tick's migrations.
    func migrate() throws {
        let connection = try connect()
        defer { connection.close() }
        try Migrations.tick.apply(on: connection)
    }

    func connect() throws -> PostgresConnection {
        try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(url)))
    }

    /// Drops the database (and any session still on it).
    func drop() {
        try? admin { try $0.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }

    struct Unsupported: Error, CustomStringConvertible { let description: String }

    private func admin(_ body: (PostgresConnection) throws -> Void) throws {
        let connection = try PostgresConnection(configuration: PostgresConfiguration(conninfo: Secret(baseURL)))
        defer { connection.close() }
        try body(connection)
    }
}
