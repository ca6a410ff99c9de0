import ArgumentParser
import TickCLI
import TickCore

/// `tick ping`: one request to Redis and one connection to PostgreSQL, to check the configuration.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Check that Redis (Upstash REST) and PostgreSQL are reachable with the configured credentials."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors(global.color) {
            let environment = ProcessEnvironment.variables
            let clock = ContinuousClock()
            let redis = try UpstashClient(configuration: UpstashConfiguration(environment: environment))
            let start = clock.now
            let pong = try await redis.send(RedisCommand("PING"))
            let redisTime = start.duration(to: clock.now)
            print("redis     ok  \(pong.string ?? "?") from \(redis.configuration.host) in \(redisTime.shortMilliseconds)")
            let postgresStart = clock.now
            let configuration = try PostgresConfiguration(environment: environment)
            let connection = try PostgresConnection(configuration: configuration)
            defer { connection.close() }
            _ = try connection.query("SELECT 1")
            print("postgres  ok  \(configuration.endpoint.addressAndDatabase) in \(postgresStart.duration(to: clock.now).shortMilliseconds)\(configuration.endpoint.isPooler ? " (transaction pooler)" : "")")
        }
    }
}
