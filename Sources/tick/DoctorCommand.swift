import ArgumentParser
import TickCLI
import TickCore

#if canImport(Glibc)
import Glibc
#endif

/// `tick doctor`: checks the environment, Redis, PostgreSQL, the config file, the queues and the projected
/// cost, one line each, and says what to do about anything wrong. Never prints a secret.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the environment, Redis, PostgreSQL, the config file, queue health and the projected cost; one line each.",
        discussion: """
            Each line is ok, warning or error, with what to do. Secrets (the REST token, passwords, CRON_SECRET) \
            are never printed.

            Cost: one Redis request (a /pipeline of CONFIG GET maxmemory-policy and the stats script: 2 billable \
            commands), never retried; 2 requests only if the endpoint refuses the pipeline as a whole. PostgreSQL: \
            one connection to DATABASE_URL (and one to DATABASE_URL_DIRECT when it is set).

            Exit code 0 when no check is an error (warnings allowed), 83 when any check is an error.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @Option(name: .long, help: "Handler config file (TICK_CONFIG; default tick.json if it exists).")
    var config: String?
    @Flag(name: .long, help: "Also check what `tick serve` needs (CRON_SECRET); implied when ./vercel.json exists.")
    var serve = false
    @Flag(name: .long, help: "Print one JSON object instead of lines.")
    var json = false
    @OptionGroup var costInputs: CostInputs

    func run() async throws {
        try await reportingErrors {
            let environment = ProcessEnvironment.variables
            var doctor = Doctor(
                environment: environment, prefix: queueOptions.resolvedPrefix(environment), configPath: config,
                serve: serve || access("vercel.json", F_OK) == 0, costInputs: costInputs)
            await doctor.run()
            print(json ? doctor.jsonReport() : doctor.textReport())
            if doctor.errorCount > 0 { throw ExitCode(TickExitCode.checksFailed.rawValue) }
        }
    }
}

/// One check's outcome.
struct DoctorCheck {
    enum Level: String {
        case ok, warning, error
    }

    /// A dotted name, such as `env.redis_url` or `queue.default`.
    var name: String
    var level: Level
    /// What was found and, unless ok, what to do.
    var message: String
}

/// Runs the checks in order: environment, Redis, PostgreSQL, config file, queues, cost.
struct Doctor {
    let environment: [String: String]
    let prefix: String
    let configPath: String?
    let serve: Bool
    let costInputs: CostInputs

    private(set) var checks: [DoctorCheck] = []
    private(set) var redisRequests = 0
    private(set) var redisCommands = 0
    /// Secrets to remove from every line, in case a server echoes one. PostgreSQL messages have their
    /// password removed by `PostgresError` already; the whole connection strings are removed here too.
    private var secrets: [Secret] = []

    init(environment: [String: String], prefix: String, configPath: String?, serve: Bool, costInputs: CostInputs) {
        self.environment = environment
        self.prefix = prefix
        self.configPath = configPath
        self.serve = serve
        self.costInputs = costInputs
    }

    var errorCount: Int { checks.filter { $0.level == .error }.count }
    var warningCount: Int { checks.filter { $0.level == .warning }.count }

    private mutating func add(_ name: String, _ level: DoctorCheck.Level, _ message: String) {
        var text = message
        for secret in secrets { text = secret.redact(text) }
        checks.append(DoctorCheck(name: name, level: level, message: text))
    }

    // MARK: - Running

    mutating func run() async {
        for name in ["UPSTASH_REDIS_REST_TOKEN", "CRON_SECRET", "DATABASE_URL", "DATABASE_URL_DIRECT"] {
            if let value = environment[name], value.count >= 3 { secrets.append(Secret(value)) }
        }
        secrets.sort { $0.revealed.count > $1.revealed.count }
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
            if postgres.endpoint.isPooler {
                add(
                    "postgres.pooler", .ok,
                    "DATABASE_URL is a transaction pooler (\(postgres.endpoint.address)): fine for runs, which use no session state "
                        + "(no prepared statements, SET or advisory locks across transactions); tick migrate uses DATABASE_URL_DIRECT instead, "
                        + "because DDL must not go through the pooler")
            }
            checkDirectConnection()
        }
        defer { connection?.close() }

        checkConfigFile()
        if let stats { checkQueues(stats) }
        checkCost(connection: schemaCurrent ? connection : nil, postgresConfigured: postgres != nil, stats: stats)
    }

    // MARK: - Environment

    private mutating func checkUpstashVariables() -> UpstashConfiguration? {
        let url = environment["UPSTASH_REDIS_REST_URL"] ?? ""
        let token = environment["UPSTASH_REDIS_REST_TOKEN"] ?? ""
        var urlOK = false
        if url.isEmpty {
            add("env.redis_url", .error, "UPSTASH_REDIS_REST_URL is not set: export the REST URL of your Upstash database (or run scripts/dev-services for a local one)")
        } else {
            do {
                let parsed = try UpstashConfiguration(url: url, token: Secret("placeholder"))
                urlOK = true
                let host = Self.hostWithoutUserInfo(parsed.host)
                let scheme = parsed.url.lowercased().hasPrefix("https://") ? "https" : "http"
                if scheme == "http" && !Self.isLoopback(host) {
                    add("env.redis_url", .warning, "UPSTASH_REDIS_REST_URL uses http:// to \(host): the token travels unencrypted; use the https:// REST URL")
                } else {
                    add("env.redis_url", .ok, "UPSTASH_REDIS_REST_URL is \(scheme)://\(host)")
                }
            } catch {
                add("env.redis_url", .error, error.description)
            }
        }
        var tokenOK = false
        if token.isEmpty {
            add("env.redis_token", .error, "UPSTASH_REDIS_REST_TOKEN is not set: copy the standard REST token (not the read-only one) from the Upstash console")
        } else if token.contains(where: { $0.isWhitespace }) {
            add("env.redis_token", .error, "UPSTASH_REDIS_REST_TOKEN contains whitespace or a line break: copy the token again without them")
        } else {
            tokenOK = true
            add("env.redis_token", .ok, "UPSTASH_REDIS_REST_TOKEN is set (\(token.count) characters, not shown)")
        }
        guard urlOK, tokenOK else { return nil }
        // One attempt: a doctor run costs exactly the requests it says, and reports a failure at once.
        return try? UpstashConfiguration(url: url, token: Secret(token), retry: RetryPolicy(maxAttempts: 1))
    }

    private mutating func checkPostgresVariables() -> PostgresConfiguration? {
        let main = PostgresConfiguration.databaseURLVariable
        let direct = PostgresConfiguration.directDatabaseURLVariable
        var configuration: PostgresConfiguration?
        do {
            let parsed = try PostgresConfiguration(environment: environment)
            configuration = parsed
            add("env.database_url", .ok, "\(main) is PostgreSQL \(parsed.endpoint)\(parsed.endpoint.isPooler ? " (a transaction pooler)" : "")")
        } catch {
            add("env.database_url", .error, error.description)
        }

        let directSet = Self.isSet(environment[direct])
        let pooled = configuration?.endpoint.isPooler ?? false
        guard directSet || pooled else {
            add("env.database_url_direct", .ok, "\(direct) is not set: not needed, \(main) is a direct connection")
            return configuration
        }
        do {
            let target = try MigrationTarget.select(environment: environment)
            add("env.database_url_direct", .ok, "\(direct) is PostgreSQL \(target.configuration.endpoint): tick migrate uses it")
        } catch {
            if !directSet {
                add("env.database_url_direct", .warning, "\(error.description); runs work through the pooler, but tick migrate refuses until then")
            } else {
                add("env.database_url_direct", .error, error.description)
            }
        }
        return configuration
    }

    private mutating func checkCronSecret() {
        let secret = environment["CRON_SECRET"] ?? ""
        if secret.isEmpty {
            if serve {
                add("env.cron_secret", .warning, "CRON_SECRET is not set: tick serve refuses requests without it; set it to a random string (openssl rand -hex 32) and give Vercel the same value")
            } else {
                add("env.cron_secret", .ok, "CRON_SECRET is not set: only tick serve needs it (--serve checks it)")
            }
        } else if secret.count < 16 {
            add("env.cron_secret", .warning, "CRON_SECRET is set but short (\(secret.count) characters, not shown): use at least 16 random characters (openssl rand -hex 32)")
        } else {
            add("env.cron_secret", .ok, "CRON_SECRET is set (\(secret.count) characters, not shown)")
        }
    }

    // MARK: - Redis

    /// One request: `/pipeline` with `CONFIG GET maxmemory-policy` and the stats script. Checks the token,
    /// the eviction policy where it can be read, and returns the queue counts.
    private mutating func checkRedis(_ configuration: UpstashConfiguration) async -> [QueueStats]? {
        let client: UpstashClient
        do { client = try UpstashClient(configuration: configuration) } catch {
            add("redis.token", .error, error.description)
            return nil
        }
        let queue = JobQueue(client: client, prefix: prefix)
        let host = Self.hostWithoutUserInfo(configuration.host)
        let clock = ContinuousClock()
        let start = clock.now
        var replies: [RedisValue] = []
        var pipelineRefused = false
        do {
            replies = try await client.pipeline(
                [RedisCommand("CONFIG", "GET", "maxmemory-policy"), queue.statsCommand(nowMilliseconds: UnixTime.nowMilliseconds())], idempotent: true)
        } catch {
            if error.isRedisError {
                pipelineRefused = true
            } else {
                add("redis.token", .error, error.description)
                await countUsage(client)
                return nil
            }
        }
        var stats: [QueueStats]?
        if pipelineRefused {
            // The endpoint refused the pipeline as a whole (CONFIG not allowed in it): the stats alone.
            do {
                stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds())
            } catch {
                add("redis.token", .error, error.description)
                await countUsage(client)
                return nil
            }
            replies = [.error("CONFIG refused"), .null]
        }
        let elapsed = PingCommand.format(start.duration(to: clock.now))
        await countUsage(client)

        if case .error(let message)? = replies.last, !pipelineRefused {
            let upper = message.uppercased()
            if upper.contains("NOPERM") || upper.contains("READONLY") || upper.contains("READ-ONLY") || upper.contains("READ ONLY") {
                add("redis.token", .error, "\(host) accepted the token but refused the stats script (\(message)): use the standard token, not the read-only one")
            } else {
                add("redis.token", .ok, "token accepted by \(host) in \(elapsed)")
                add("redis.stats", .error, "Redis at \(host) rejected the stats script: \(message)")
            }
        } else {
            add("redis.token", .ok, "token accepted by \(host) in \(elapsed)")
            if stats == nil { stats = JobQueue.decodeStats(replies.last ?? .null) }
        }
        checkEviction(replies.first ?? .null)
        return stats
    }

    private mutating func countUsage(_ client: UpstashClient) async {
        let usage = await client.usage
        redisRequests = usage.requests
        redisCommands = usage.commands
    }

    private mutating func checkEviction(_ reply: RedisValue) {
        let unreadable = "maxmemory-policy cannot be read (Upstash does not expose CONFIG): in the Upstash console keep Eviction disabled "
            + "(Configuration → Eviction; off by default), or a full database drops jobs"
        guard let fields = reply.array, fields.count >= 2, let policy = fields[1].string, !policy.isEmpty else {
            add("redis.eviction", .ok, unreadable)
            return
        }
        if policy == "noeviction" {
            add("redis.eviction", .ok, "maxmemory-policy is noeviction: a full database refuses writes instead of dropping jobs")
        } else {
            add(
                "redis.eviction", .warning,
                "maxmemory-policy is \(policy): when memory is full Redis evicts keys and queued jobs are lost; set it to noeviction "
                    + "(CONFIG SET maxmemory-policy noeviction and in redis.conf; on Upstash disable Eviction in the console)")
        }
    }

    // MARK: - PostgreSQL

    private mutating func checkPostgres(_ configuration: PostgresConfiguration) -> PostgresConnection? {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let connection = try PostgresConnection(configuration: configuration)
            _ = try connection.query("SELECT 1")
            let version = connection.serverVersion
            add(
                "postgres.connect", .ok,
                "connected to \(configuration.endpoint) in \(PingCommand.format(start.duration(to: clock.now))) (server \(version / 10000).\(version % 100))")
            return connection
        } catch {
            add("postgres.connect", .error, error.description)
            return nil
        }
    }

    /// Whether the schema is the version this binary expects.
    private mutating func checkSchema(_ connection: PostgresConnection) -> Bool {
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

    private mutating func checkDirectConnection() {
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

    // MARK: - Config file

    private mutating func checkConfigFile() {
        let file: TickConfigFile?
        do {
            file = try TickConfigFile.standard(configPath: configPath, environment: environment)
        } catch {
            add("config", .error, error.description)
            return
        }
        guard let file else {
            add("config", .ok, "no config file (no --config, TICK_CONFIG or ./tick.json): only the built-in handlers noop and sleep")
            return
        }
        let registry = HandlerRegistry.standard(config: file, environment: environment, queue: nil)
        let handlers = file.handlers.keys.sorted().map { name -> String in
            let kind: String
            switch file.handlers[name]?.kind {
            case .exec?: kind = "exec"
            case .http?: kind = "http"
            case .noop?, nil: kind = "noop"
            }
            return "\(name) (\(kind))"
        }
        let scheduleText = file.schedules.isEmpty ? "no schedules" : "schedules \(file.schedules.map(\.name).joined(separator: ", "))"
        add("config", .ok, "\(file.path) is valid: handlers \(handlers.isEmpty ? "none" : handlers.joined(separator: ", ")); \(scheduleText)")
        let known = Set(registry.names)
        for schedule in file.schedules where !known.contains(schedule.job.handler) {
            add(
                "config.schedule.\(schedule.name)", .warning,
                "schedule \(schedule.name) enqueues jobs for handler \(schedule.job.handler), which is not configured: they will be dead-lettered; add the handler to \(file.path)")
        }
    }

    // MARK: - Queues

    /// Oldest ready job older than this (or 10 cron intervals, if longer) means runs are not keeping up.
    static let staleReadyAge: Int64 = 15 * 60 * 1000

    private mutating func checkQueues(_ stats: [QueueStats]) {
        guard !stats.isEmpty else {
            add("queues", .ok, "no queues yet under prefix \(prefix) (nothing enqueued)")
            return
        }
        let now = UnixTime.nowMilliseconds()
        let stale = max(Self.staleReadyAge, Int64(costInputs.every * 10 * 60_000))
        for s in stats {
            let name = "queue.\(s.queue)"
            var message = "ready \(s.ready), delayed \(s.delayed), leased \(s.leased), dead \(s.dead)"
            var level = DoctorCheck.Level.ok
            if let oldest = s.oldestReadyEnqueuedAt {
                let age = max(0, now - oldest)
                message += "; oldest ready job enqueued \(Self.age(age)) ago"
                if age > stale {
                    level = .warning
                    message += ": runs are not keeping up or not running; check the cron, raise --batch, or run tick drain"
                }
            }
            add(name, level, message)
            if s.dead > 0 {
                add("\(name).dead", .warning, "\(s.dead) dead-lettered job\(s.dead == 1 ? "" : "s"): read the reasons with tick dead list, then tick dead retry or purge")
            }
            if s.expiredLeases > 0 {
                add(
                    "\(name).leases", .warning,
                    "\(s.expiredLeases) lease\(s.expiredLeases == 1 ? "" : "s") past due: a run died or stalled; the next claim takes \(s.expiredLeases == 1 ? "it" : "them") back (dead-letters a job on its last attempt)")
            }
        }
    }

    // MARK: - Cost

    private mutating func checkCost(connection: PostgresConnection?, postgresConfigured: Bool, stats: [QueueStats]?) {
        var observed: (jobsPerDay: Double, days: Double)?
        var reason = "none given (no DATABASE_URL to observe it)"
        if costInputs.jobsPerDay == nil {
            if let connection {
                observed = try? CostProjection.observedJobsPerDay(on: connection)
                if observed == nil { reason = "none given (tick_runs could not be read)" }
            } else if postgresConfigured {
                reason = "none given (PostgreSQL unavailable or schema not current)"
            }
        }
        let projection = CostProjection.projection(costInputs, observed: observed, unobservedReason: reason)
        let model = projection.model
        let month = CostModel.daysPerMonth
        let share = model.freeTierShare * 100
        var message =
            "\(CostProjection.group(model.commandsPerMonth)) commands/month = \(CostProjection.format(share))% of the free tier (500K): "
            + "runs every \(CostProjection.format(costInputs.every)) min (\(CostProjection.group(model.runsPerDay * month)) claims + "
            + "\(CostProjection.group(model.claimingRunsPerDay * month)) acks at --batch \(costInputs.batch)), "
            + "\(CostProjection.group(projection.jobsPerDay)) jobs/day (\(projection.source)), "
            + "\(CostProjection.group(model.enqueueCommandsPerMonth)) enqueue commands"
        var level = DoctorCheck.Level.ok
        if model.freeTierShare > 0.8 {
            level = .warning
            message += ": above 80% of the free tier; run less often (--every), raise --batch, or enqueue in batches (tick enqueue --file)"
        }
        if !model.keepsUp {
            level = .warning
            message += "; \(CostProjection.group(projection.jobsPerDay)) jobs/day exceed what runs every \(CostProjection.format(costInputs.every)) min with --batch \(costInputs.batch) can claim: raise --batch"
        }
        if let stats {
            let backlog = stats.reduce(0) { $0 + $1.ready + $1.dueDelayed }
            if backlog > 0 {
                let runs = Int((Double(backlog) / Double(max(costInputs.batch, 1))).rounded(.up))
                message += "; backlog \(backlog) ready job\(backlog == 1 ? "" : "s"): \(runs) claiming run\(runs == 1 ? "" : "s") (+\(runs) ack\(runs == 1 ? "" : "s")) to drain"
            }
        }
        add("cost", level, message)
    }

    // MARK: - Output

    func textReport() -> String {
        var lines = checks.map { check in
            "\(check.level.rawValue.padded(8))\(check.name.padded(24)) \(check.message)"
        }
        lines.append(
            "\(checks.count) checks: \(errorCount) error\(errorCount == 1 ? "" : "s"), \(warningCount) warning\(warningCount == 1 ? "" : "s"); "
                + "\(redisRequests) Redis request\(redisRequests == 1 ? "" : "s") (\(redisCommands) command\(redisCommands == 1 ? "" : "s"))")
        return lines.joined(separator: "\n")
    }

    func jsonReport() -> String {
        JSONValue.object([
            "checks": .array(checks.map { .object(["check": .string($0.name), "status": .string($0.level.rawValue), "message": .string($0.message)]) }),
            "errors": .integer(Int64(errorCount)), "warnings": .integer(Int64(warningCount)),
            "redis_requests": .integer(Int64(redisRequests)), "redis_commands": .integer(Int64(redisCommands)),
            "exit_code": .integer(Int64(errorCount > 0 ? TickExitCode.checksFailed.rawValue : 0)),
        ]).serialized
    }

    // MARK: - Helpers

    /// Whether a variable holds something other than whitespace.
    static func isSet(_ value: String?) -> Bool { value?.contains { !$0.isWhitespace } ?? false }

    static func hostWithoutUserInfo(_ host: String) -> String {
        host.lastIndex(of: "@").map { String(host[host.index(after: $0)...]) } ?? host
    }

    static func isLoopback(_ host: String) -> Bool {
        let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.prefix { $0 != ":" })
        return name == "localhost" || name.hasPrefix("127.") || name == "::1"
    }

    /// `42 s`, `5 min`, `3 h 20 min`, `2 d 4 h`.
    static func age(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds < 120 { return "\(seconds) s" }
        let minutes = seconds / 60
        if minutes < 120 { return "\(minutes) min" }
        let hours = minutes / 60
        if hours < 48 { return "\(hours) h \(minutes % 60) min" }
        return "\(hours / 24) d \(hours % 24) h"
    }
}
