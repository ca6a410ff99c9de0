import ArgumentParser
import UpstashGateway

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tick-gateway`: an Upstash-compatible Redis REST API in front of a real redis-server.
@main
struct TickGateway: AsyncParsableCommand {
    /// Exit code when the token is missing (EX_CONFIG from sysexits.h).
    static let missingTokenExitCode: Int32 = 78
    /// Name of the environment variable holding the token.
    static let tokenVariable = "TICK_GATEWAY_TOKEN"

    static let configuration = CommandConfiguration(
        commandName: "tick-gateway",
        abstract: "Serve the Upstash Redis REST API in front of a real redis-server.",
        discussion: """
            The bearer token is read from the environment variable TICK_GATEWAY_TOKEN (required unless \
            --no-auth). Clients send it as 'Authorization: Bearer TOKEN' or '?_token=TOKEN'. \
            SIGTERM or SIGINT stop the gateway after in-flight requests finish.
            """
    )

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = GatewayConfiguration.defaultPort

    @Option(help: "Host of the redis-server.")
    var redisHost: String = "127.0.0.1"

    @Option(help: "Port of the redis-server.")
    var redisPort: Int = 6379

    @Option(help: "Number of pooled Redis connections (and threads running them).")
    var redisConnections: Int = GatewayConfiguration.defaultRedisConnections

    @Flag(help: "Accept requests without a token (local experiments only).")
    var noAuth: Bool = false

    func validate() throws {
        if let problem = self.configuration(token: nil).problem() {
            throw ValidationError(problem)
        }
    }

    func run() async throws {
        var token: GatewayToken?
        if !self.noAuth {
            let value = getenv(Self.tokenVariable).map { String(cString: $0) } ?? ""
            guard let parsed = GatewayToken(value) else {
                GatewayLogging.printError(
                    "tick-gateway: \(Self.tokenVariable) is not set or empty; set it to the token clients must send, or pass --no-auth"
                )
                throw ExitCode(Self.missingTokenExitCode)
            }
            token = parsed
        }
        let server = GatewayServer(
            configuration: self.configuration(token: token),
            logger: GatewayLogging.standardErrorLogger()
        )
        do {
            try await server.run()
        } catch let error as GatewayError {
            GatewayLogging.printError("tick-gateway: \(error.message)")
            throw ExitCode.failure
        } catch {
            GatewayLogging.printError("tick-gateway: cannot serve on \(self.host):\(self.port): \(error)")
            throw ExitCode.failure
        }
    }

    private func configuration(token: GatewayToken?) -> GatewayConfiguration {
        GatewayConfiguration(
            host: self.host,
            port: self.port,
            redisHost: self.redisHost,
            redisPort: self.redisPort,
            redisConnections: self.redisConnections,
            token: token
        )
    }
}
