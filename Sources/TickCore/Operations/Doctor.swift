/// `tick doctor`'s checks: the environment, Redis, PostgreSQL, the config file, the queues and the projected
/// cost, one ``DoctorCheck`` each, saying what to do about anything wrong. Never reports a secret.
///
/// Costs one Redis request (two if the endpoint refuses the pipeline as a whole), never retried, and one
/// PostgreSQL connection to `DATABASE_URL` (plus one to `DATABASE_URL_DIRECT` when set).
public struct Doctor: Sendable {
    /// The process environment (Upstash, PostgreSQL and cron variables, `TICK_CONFIG`).
    public let environment: [String: String]
    /// The Redis key prefix whose queues are checked.
    public let prefix: String
    /// The handler config file given with `--config`, if any (else `TICK_CONFIG` or `./tick.json`).
    public let configPath: String?
    /// Whether to check what `tick serve` needs (`CRON_SECRET`): the command decides (`--serve`, `./vercel.json`).
    public let serve: Bool
    /// The cost projection's assumptions; also sets how old a ready job may get (10 cron intervals).
    public let cost: CostAssumptions
    /// How long without a run is an error (`--max-silence`); 3 cron intervals when `nil`.
    public var maxSilence: Duration?

    /// The checks run so far, in order.
    public private(set) var checks: [DoctorCheck] = []
    /// Redis requests the checks sent.
    public private(set) var redisRequests = 0
    /// Billable Redis commands in those requests.
    public private(set) var redisCommands = 0
    /// Secrets to remove from every line, in case a server echoes one. PostgreSQL messages have their
    /// password removed by `PostgresError` already; the whole connection strings are removed here too.
    private var secrets: [Secret] = []

    /// A doctor that has run no check yet.
    public init(environment: [String: String], prefix: String, configPath: String?, serve: Bool, cost: CostAssumptions) {
        self.environment = environment
        self.prefix = prefix
        self.configPath = configPath
        self.serve = serve
        self.cost = cost
        for name in ["UPSTASH_REDIS_REST_TOKEN", "CRON_SECRET", "DATABASE_URL", "DATABASE_URL_DIRECT"] {
            if let value = environment[name], value.count >= 3 { secrets.append(Secret(value)) }
        }
        secrets.sort { $0.revealed.count > $1.revealed.count }
    }

    /// Checks that came out as errors.
    public var errorCount: Int { report.errorCount }
    /// Checks that came out as warnings.
    public var warningCount: Int { report.warningCount }

    /// The checks and the Redis traffic so far, to print.
    public var report: DoctorReport {
        DoctorReport(checks: checks, redisRequests: redisRequests, redisCommands: redisCommands)
    }

    /// Records a check, with every secret removed from its message.
    mutating func add(_ name: String, _ level: DoctorCheck.Level, _ message: String) {
        var text = message
        for secret in secrets { text = secret.redact(text) }
        checks.append(DoctorCheck(name: name, level: level, message: text))
    }

    /// Records the Redis requests and commands `client` sent.
    mutating func countUsage(_ client: UpstashClient) async {
        let usage = client.usage
        redisRequests = usage.requests
        redisCommands = usage.commands
    }

    /// Runs the checks in order: environment, Redis, PostgreSQL, config file, queues, cost. A check that
    /// needs a service another check found unusable is skipped.
    public mutating func run() async {
        let upstash = checkUpstashVariables()
        let postgres = checkPostgresVariables()
        checkCronSecret()

        var stats: [QueueStats]?
        if let upstash { stats = await checkRedis(upstash) }

        var connection: PostgresConnection?
        var schemaCurrent = false
        if let postgres {
            connection = checkPostgres(postgres)
            if let connection { schemaCurrent = checkSchema(connection) }
            checkPooler(postgres)
            checkDirectConnection()
        }
        defer { connection?.close() }

        let handlers = checkConfigFile()
        if let stats { checkQueues(stats, handlers: handlers) }
        checkCost(connection: schemaCurrent ? connection : nil, postgresConfigured: postgres != nil, stats: stats)
    }
}
