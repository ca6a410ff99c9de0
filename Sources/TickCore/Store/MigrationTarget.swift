/// Which database connection `tick migrate` should use, and why.
///
/// DDL must not go through a transaction pooler (Supabase's port 6543, `pooler.` hosts): the pooler may
/// run each statement on a different server session. Rules, in order:
/// 1. `DATABASE_URL_DIRECT` is set: use it (it must not be a pooler itself). It names the direct
///    connection explicitly, as Prisma's `directUrl` does, so it wins even when the pooler is not
///    recognisable from `DATABASE_URL` (a self-hosted PgBouncer on another port).
/// 2. `DATABASE_URL` is not a pooler: use it.
/// 3. `DATABASE_URL` is a pooler and there is no `DATABASE_URL_DIRECT`: fail with a message saying what to set.
public struct MigrationTarget: Sendable {
    /// The connection to migrate through.
    public let configuration: PostgresConfiguration
    /// Whether that is `DATABASE_URL_DIRECT` rather than `DATABASE_URL`.
    public let usesDirectURL: Bool
    /// One sentence saying which connection is used and why, for the command's output. No password.
    public let explanation: String

    /// Chooses the connection to migrate through.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - connectTimeout: bound on connecting when the string sets no `connect_timeout`. Defaults to 5 s.
    /// - Returns: the chosen connection and the reason.
    /// - Throws: ``PostgresError`` (exit code `config`): `missingDirectURL` when `DATABASE_URL` is a pooler and
    ///   `DATABASE_URL_DIRECT` is not set (or is a pooler too); `missingVariable` when neither is set;
    ///   `malformedConnectionString` when one is malformed.
    public static func select(
        environment: [String: String],
        connectTimeout: Duration = PostgresConfiguration.defaultConnectTimeout
    ) throws(PostgresError) -> MigrationTarget {
        let main = PostgresConfiguration.databaseURLVariable
        let direct = PostgresConfiguration.directDatabaseURLVariable
        if let value = environment[direct], !PQText.trimmed(value).isEmpty {
            let configuration = try PostgresConfiguration(
                environment: environment, variable: direct, connectTimeout: connectTimeout)
            guard !configuration.endpoint.isPooler else {
                throw .directURLIsPooler(configuration.endpoint, directVariable: direct)
            }
            var reason = "\(direct) is set"
            if let pooled = try? PostgresConfiguration(environment: environment, variable: main),
                pooled.endpoint.isPooler
            {
                reason = "\(main) points at a transaction pooler (\(pooled.endpoint.address))"
            }
            return MigrationTarget(
                configuration: configuration, usesDirectURL: true,
                explanation:
                    "migrating through \(direct) (\(configuration.endpoint.addressAndDatabase)) because \(reason)")
        }
        let configuration = try PostgresConfiguration(
            environment: environment, variable: main, connectTimeout: connectTimeout)
        guard !configuration.endpoint.isPooler else {
            throw .missingDirectURL(pooler: configuration.endpoint, variable: main, directVariable: direct)
        }
        return MigrationTarget(
            configuration: configuration, usesDirectURL: false,
            explanation: "migrating through \(main) (\(configuration.endpoint.addressAndDatabase))")
    }
}
