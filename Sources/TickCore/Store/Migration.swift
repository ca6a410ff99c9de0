/// One versioned step of tick's database schema.
///
/// Each statement runs through `PQexecParams`, which takes exactly one statement per call, so a migration
/// is a list of statements rather than one script. All of them run in one transaction with the record
/// of the version, so a migration is applied entirely or not at all.
public struct Migration: Sendable, Hashable {
    /// The version this migration brings the schema to; versions start at 1 and only grow.
    public let version: Int
    /// A short description, stored in `tick_schema_migrations.name`.
    public let name: String
    /// The SQL statements, run in order; none takes parameters.
    public let statements: [String]

    /// Describes a migration.
    /// - Parameters:
    ///   - version: the schema version it produces (1, 2, …).
    ///   - name: a short description.
    ///   - statements: the SQL statements, one per element.
    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}
