extension TickExitCode {
    /// A few words for the top-level `--help` (`tick --help` lists every code from these).
    public var summary: String {
        switch self {
        case .ok: "ok"
        case .internalError: "internal error (a bug)"
        case .usage: "bad usage"
        case .dataError: "bad input data"
        case .redisUnavailable: "Redis unreachable (tick cron: no response)"
        case .redisAuth: "Redis token rejected (tick cron: CRON_SECRET refused)"
        case .config: "bad configuration"
        case .postgresUnavailable: "PostgreSQL unavailable"
        case .schemaMismatch: "schema or Redis layout of another version (tick migrate)"
        case .redisError: "Redis rejected a command"
        case .cronEndpointFailed: "tick cron: an endpoint answered outside 2xx"
        case .checksFailed: "tick doctor found an error"
        case .upstashLimit: "an Upstash limit (quota, size)"
        case .interrupted: "interrupted (SIGTERM/SIGINT)"
        }
    }

    /// The sentence README.md's exit-code table gives for the code (a test keeps the table equal to ``markdownTable``).
    public var meaning: String {
        switch self {
        case .ok: "the command completed (a run with failed items too)"
        case .internalError: "internal error (a bug: please report it)"
        case .usage: "bad usage (an unknown command or flag, a value out of range)"
        case .dataError: "bad input data (a malformed job given to `tick enqueue`)"
        case .redisUnavailable: "Redis (the REST endpoint) unreachable or failing; `tick cron --once`: an endpoint gave no response"
        case .redisAuth: "the REST token was rejected; `tick cron --once`: an endpoint refused `CRON_SECRET` (401/403)"
        case .config: "bad configuration (missing or malformed variable or config file)"
        case .postgresUnavailable: "PostgreSQL unreachable, credentials rejected, or a statement failed"
        case .schemaMismatch: "PostgreSQL schema or Redis key layout of another version: run `tick migrate` (older) or upgrade tick (newer)"
        case .redisError: "Redis rejected a command"
        case .cronEndpointFailed: "`tick cron --once`: an endpoint answered another status outside 2xx (a redirect included)"
        case .checksFailed: "`tick doctor`: at least one check is an error (warnings alone exit 0)"
        case .upstashLimit:
            "an Upstash limit: the daily or monthly request quota, the request or record size, or concurrent connections; the message names it and what to do; nothing claimed is lost"
        case .interrupted: "interrupted by SIGTERM/SIGINT, after committing and handing its jobs back"
        }
    }

    /// Every code for `tick --help`: `  0  ok`, one per line.
    public static var helpList: String {
        allCases.map { code in
            let number = String(code.rawValue)
            return String(repeating: " ", count: 5 - number.count) + number + "  " + code.summary
        }.joined(separator: "\n")
    }

    /// README.md's exit-code table, in Markdown.
    public static var markdownTable: String {
        (["| exit code | meaning |", "|---|---|"] + allCases.map { "| \($0.rawValue) | \($0.meaning) |" }).joined(separator: "\n")
    }
}
