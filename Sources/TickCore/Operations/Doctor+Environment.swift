/// The environment checks: the Upstash REST URL and token, `DATABASE_URL` (and `DATABASE_URL_DIRECT` behind a
/// pooler), `CRON_SECRET`. They read variables only; no request, no connection.
extension Doctor {
    mutating func checkUpstashVariables() -> UpstashConfiguration? {
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

    mutating func checkPostgresVariables() -> PostgresConfiguration? {
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

    mutating func checkCronSecret() {
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

    /// Whether a variable holds something other than whitespace.
    static func isSet(_ value: String?) -> Bool { value?.contains { !$0.isWhitespace } ?? false }

    static func hostWithoutUserInfo(_ host: String) -> String {
        host.lastIndex(of: "@").map { String(host[host.index(after: $0)...]) } ?? host
    }

    static func isLoopback(_ host: String) -> Bool {
        let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.prefix { $0 != ":" })
        return name == "localhost" || name.hasPrefix("127.") || name == "::1"
    }
}
