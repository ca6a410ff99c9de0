import ArgumentParser
import TickBuild
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
            """,
        version: TickVersion.description
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

    @Option(help: "Tests only: share of requests (0 to 1) that fail on purpose; 0 turns fault injection off.")
    var faultRate: Double = 0

    @Option(help: "Tests only: seed of the fault generator; the same seed gives the same faults to the same sequence of requests.")
    var faultSeed: UInt64 = 1

    @Option(help: "Tests only: the faults to choose from (comma-separated): statuses 500-599, drop-before, drop-after, slow.")
    var faultKinds: String = FaultPlan.allKindsText

    @Option(help: "Tests only: how long a 'slow' fault holds the reply, in milliseconds.")
    var faultSlowMs: Int = FaultPlan.defaultSlowMilliseconds

    @Option(help: "Tests only: requests to serve normally before faults start.")
    var faultSkip: Int = 0

    @Option(help: "Benchmarks only: milliseconds added to every request, as a network hop to a remote Upstash (0 to 10000).")
    var latencyMs: Int = 0

    func validate() throws {
        do {
            _ = try self.faultPlan()
        } catch {
            throw ValidationError(error.message)
        }
        if let problem = self.configuration(token: nil, faults: nil).problem() {
            throw ValidationError(problem)
        }
    }

    /// The fault plan of the `--fault-*` options, or `nil` when `--fault-rate` is 0.
    private func faultPlan() throws(GatewayError) -> FaultPlan? {
        let plan = try FaultPlan(rate: self.faultRate, seed: self.faultSeed, kinds: FaultPlan.parseKinds(self.faultKinds), slowMilliseconds: self.faultSlowMs, skip: self.faultSkip)
        return plan.rate > 0 ? plan : nil
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
            configuration: self.configuration(token: token, faults: try? self.faultPlan()),
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

    private func configuration(token: GatewayToken?, faults: FaultPlan?) -> GatewayConfiguration {
        var configuration = GatewayConfiguration(
            host: self.host,
            port: self.port,
            redisHost: self.redisHost,
            redisPort: self.redisPort,
            redisConnections: self.redisConnections,
            token: token,
            faults: faults
        )
        configuration.latencyMilliseconds = self.latencyMs
        return configuration
    }
}
