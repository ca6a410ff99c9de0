import ArgumentParser
import TickCLI
import TickCore

/// `tick migrate`: applies the schema migrations this binary knows, idempotently.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade tick's tables in PostgreSQL (safe to run again).",
        discussion: """
            Uses DATABASE_URL, or DATABASE_URL_DIRECT when DATABASE_URL points at a transaction pooler \
            (port 6543 or a pooler. host), because DDL needs a direct connection.
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let target = try MigrationTarget.select(environment: ProcessEnvironment.variables)
            if target.usesDirectURL { printError(target.explanation) }
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
    }
}
