/// tick's ordered list of schema migrations, and how to apply and check them.
///
/// The applied versions are recorded in `tick_schema_migrations(version, name, applied_at)`. Applying is
/// idempotent and safe to run from several processes at once: each missing version is applied in its own
/// transaction, which first takes a transaction-scoped advisory lock (`pg_advisory_xact_lock`, released by
/// the commit, so nothing outlives the transaction) and then re-checks whether another migrator got there
/// first. DDL should go to the direct connection, not a transaction pooler: see ``MigrationTarget``.
public struct Migrations: Sendable {
    /// The migrations of this version of tick.
    public static let tick = Migrations([.createTickTables, .cancellation, .progress])

    /// The key of the advisory lock that serialises migrators: the bytes of `"tickmigr"` as a `bigint`.
    public static let advisoryLockKey: Int64 = 0x7469_636B_6D69_6772

    /// The migrations, sorted by version.
    public let migrations: [Migration]

    /// A list of migrations.
    /// - Parameter migrations: the migrations, in any order; versions must be distinct and positive.
    public init(_ migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// The version the schema has once every migration is applied (0 for an empty list).
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies every migration the database lacks, each in its own transaction.
    /// - Parameter connection: a connection to the database; use the direct connection, not a pooler.
    /// - Returns: the migrations this call applied, in order; empty when the schema was already up to date.
    /// - Throws: ``PostgresError``: `schemaTooNew` if the database has a version this binary does not know,
    ///   `unexpectedResult` for a list with repeated or non-positive versions, or the failing statement's
    ///   error (its migration is rolled back, earlier ones stay applied).
    @discardableResult
    public func apply(on connection: PostgresConnection) throws -> [Migration] {
        if let invalid = firstInvalidVersion() {
            throw PostgresError.invalidMigrationList(version: invalid)
        }
        let applied = try appliedVersions(on: connection)
        if let newest = applied.max(), newest > latestVersion {
            throw PostgresError.schemaTooNew(connection.endpoint, current: newest, expected: latestVersion)
        }
        var done: [Migration] = []
        for migration in migrations where !applied.contains(migration.version) {
            let didApply = try connection.transaction { connection in
                try connection.query("SELECT pg_advisory_xact_lock($1::bigint)", [.int(Self.advisoryLockKey)])
                try connection.query(Self.createMigrationsTable)
                let existing = try connection.query(
                    "SELECT 1 FROM tick_schema_migrations WHERE version = $1", [.int(migration.version)])
                guard existing.isEmpty else { return false }  // another migrator applied it meanwhile
                for statement in migration.statements {
                    try connection.query(statement)
                }
                try connection.query(
                    "INSERT INTO tick_schema_migrations (version, name) VALUES ($1, $2)",
                    [.int(migration.version), .text(migration.name)])
                return true
            }
            if didApply { done.append(migration) }
        }
        return done
    }

    /// The schema version of the database: the highest applied migration, 0 if none (or no table).
    /// - Parameter connection: a connection to the database.
    /// - Returns: the schema version, 0 for a database tick has never migrated.
    /// - Throws: ``PostgresError`` if a statement fails.
    public func currentVersion(on connection: PostgresConnection) throws(PostgresError) -> Int {
        try appliedVersions(on: connection).max() ?? 0
    }

    /// Checks that the database schema is exactly the version this binary was built for.
    /// - Parameter connection: a connection to the database (a pooler is fine: this only reads).
    /// - Throws: ``PostgresError`` with code `schemaTooOld` ("run `tick migrate`") or `schemaTooNew`
    ///   (exit code `schemaMismatch`), or the error of a failed statement.
    public func checkVersion(on connection: PostgresConnection) throws(PostgresError) {
        let current = try currentVersion(on: connection)
        if current < latestVersion {
            throw .schemaTooOld(connection.endpoint, current: current, expected: latestVersion)
        }
        if current > latestVersion {
            throw .schemaTooNew(connection.endpoint, current: current, expected: latestVersion)
        }
    }

    /// The versions recorded in `tick_schema_migrations`, empty when the table does not exist yet.
    private func appliedVersions(on connection: PostgresConnection) throws(PostgresError) -> Set<Int> {
        let table = try connection.query("SELECT to_regclass('tick_schema_migrations') IS NOT NULL AS present")
        guard try table.first?.bool("present") == true else { return [] }
        var versions: Set<Int> = []
        for row in try connection.query("SELECT version FROM tick_schema_migrations") {
            if let version = try row.int("version") { versions.insert(version) }
        }
        return versions
    }

    private func firstInvalidVersion() -> Int? {
        var seen: Set<Int> = []
        for migration in migrations where migration.version <= 0 || !seen.insert(migration.version).inserted {
            return migration.version
        }
        return nil
    }

    /// The bookkeeping table, created by the first migrator (inside its lock, so never concurrently).
    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS tick_schema_migrations (
            version    int PRIMARY KEY,              -- the schema version a migration produced
            name       text NOT NULL,                -- the migration's description
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """
}
