import Logging
import TickCore

/// Builds the pieces every command needs from the environment and options.
struct Services {
    let environment: [String: String]

    init() { environment = processEnvironment }

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
        let environment = self.environment
        return { timeout throws(PostgresError) in
            let configuration = try PostgresConfiguration(environment: environment, connectTimeout: max(.seconds(2), timeout))
            _ = base
            return try PostgresConnection(configuration: configuration)
        }
    }
}

/// Options that name the queue keys in Redis.
import ArgumentParser

struct QueueOptions: ParsableArguments {
    @Option(name: .long, help: "Prefix of every Redis key (TICK_PREFIX).")
    var prefix: String?

    func resolvedPrefix(_ environment: [String: String]) -> String { prefix ?? environment["TICK_PREFIX"] ?? "tick" }
}
