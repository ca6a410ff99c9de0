/// The PostgreSQL checks: the connection, the schema version, the pooler, the direct connection for migrations.
extension Doctor {
    mutating func checkPostgres(_ configuration: PostgresConfiguration) -> PostgresConnection? {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let connection = try PostgresConnection(configuration: configuration)
            _ = try connection.query("SELECT 1")
            let version = connection.serverVersion
            add(
                "postgres.connect", .ok,
                "connected to \(configuration.endpoint) in \(start.duration(to: clock.now).shortMilliseconds) (server \(version / 10000).\(version % 100))")
            return connection
        } catch {
            add("postgres.connect", .error, error.description)
            return nil
        }
    }

    /// Whether the schema is the version this binary expects.
    mutating func checkSchema(_ connection: PostgresConnection) -> Bool {
        let expected = Migrations.tick.latestVersion
        do {
            let current = try Migrations.tick.currentVersion(on: connection)
            if current == expected {
                add("postgres.schema", .ok, "schema version \(current), as this binary expects")
                return true
            }
            if current < expected {
                add("postgres.schema", .error, "schema version \(current), this binary needs \(expected): run tick migrate (through DATABASE_URL_DIRECT behind a pooler)")
            } else {
                add("postgres.schema", .error, "schema version \(current) is newer than this binary's \(expected): upgrade tick on this machine")
            }
        } catch {
            add("postgres.schema", .error, error.description)
        }
        return false
    }

    /// Says that a transaction pooler is fine for runs but not for migrations.
    mutating func checkPooler(_ configuration: PostgresConfiguration) {
        guard configuration.endpoint.isPooler else { return }
        add(
            "postgres.pooler", .ok,
            "DATABASE_URL is a transaction pooler (\(configuration.endpoint.address)): fine for runs, which use no session state "
                + "(no prepared statements, SET or advisory locks across transactions); tick migrate uses DATABASE_URL_DIRECT instead, "
                + "because DDL must not go through the pooler")
    }

    mutating func checkDirectConnection() {
        let direct = PostgresConfiguration.directDatabaseURLVariable
        guard Self.isSet(environment[direct]),
            let configuration = try? PostgresConfiguration(environment: environment, variable: direct), !configuration.endpoint.isPooler
        else { return }
        do {
            let connection = try PostgresConnection(configuration: configuration)
            defer { connection.close() }
            _ = try connection.query("SELECT 1")
            add("postgres.direct", .ok, "\(direct) reachable: \(configuration.endpoint)")
        } catch {
            add("postgres.direct", .error, error.description)
        }
    }
}
