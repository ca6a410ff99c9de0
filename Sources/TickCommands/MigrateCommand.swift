import ArgumentParser
import TickCLI
import TickCore

/// `tick migrate`: applies the schema migrations and the Redis layout upgrades this binary knows, idempotently.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade tick's tables in PostgreSQL and its key layout in Redis (safe to run again).",
        discussion: """
            PostgreSQL: uses DATABASE_URL, or DATABASE_URL_DIRECT when DATABASE_URL points at a transaction pooler \
            (port 6543 or a pooler. host), because DDL needs a direct connection. Redis (when \
            UPSTASH_REDIS_REST_URL is set): upgrades the keys under the prefix to this tick's layout in place \
            and records its version; a prefix in a newer layout is refused (exit 80).
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions

    func run() async throws {
        try await reportingErrors(global.color) {
            let environment = TickEnvironment()
            try migratePostgres(environment)
            try await migrateRedis(environment)
        }
    }

    private func migratePostgres(_ environment: TickEnvironment) throws {
        let target = try MigrationTarget.select(environment: environment.variables)
        if target.usesDirectURL, !global.quiet { printNote(target.explanation) }
        let connection = try PostgresConnection(configuration: target.configuration)
        defer { connection.close() }
        let applied = try Migrations.tick.apply(on: connection)
        let version = Migrations.tick.latestVersion
        if applied.isEmpty {
            print("schema is current (version \(version)) at \(target.configuration.endpoint.addressAndDatabase)")
        } else {
            for migration in applied { print("applied \(migration.version) \(migration.name)") }
            print("schema is now version \(version) at \(target.configuration.endpoint.addressAndDatabase)")
        }
    }

    private func migrateRedis(_ environment: TickEnvironment) async throws {
        guard environment.variables["UPSTASH_REDIS_REST_URL"].map({ !$0.isEmpty }) == true else {
            if !global.quiet {
                printNote(
                    "UPSTASH_REDIS_REST_URL is not set, so the Redis key layout was not checked; run tick migrate again with it set (a prefix never migrated reads as layout 1)"
                )
            }
            return
        }
        let prefix = environment.prefix(queueOptions.prefix)
        let outcome = try await RedisLayout(queue: environment.queue(prefix: prefix)).migrate()
        for name in outcome.applied { print("applied redis layout upgrade: \(name)") }
        if outcome.from == outcome.to {
            print("redis layout is current (version \(outcome.to)) under prefix \(prefix)")
        } else {
            print("redis layout is now version \(outcome.to) under prefix \(prefix) (was \(outcome.from))")
        }
    }
}
