import Logging
import TickCore

/// Builds the pieces every command needs from the environment and options.
struct Services {
    let environment: [String: String]

    init() { environment = ProcessEnvironment.variables }

    func redis() throws(UpstashError) -> UpstashClient {
        try UpstashClient(configuration: UpstashConfiguration(environment: environment))
    }

    func queue(prefix: String) throws(UpstashError) -> JobQueue {
        JobQueue(client: try redis(), prefix: prefix)
    }

    /// A PostgreSQL connector for the runner: reads DATABASE_URL now (a bad value is a config error before
    /// any job is claimed) and connects only when called.
    func postgresConnector() throws(PostgresError) -> @Sendable (Duration) throws(PostgresError) -> PostgresConnection {
        let base = try PostgresConfiguration(environment: environment)
        return { timeout throws(PostgresError) in
            let configuration = try PostgresConfiguration(
                conninfo: base.conninfo, variableName: base.variableName, connectTimeout: max(.seconds(2), timeout),
                applicationName: base.applicationName)
            return try PostgresConnection(configuration: configuration)
        }
    }
}
