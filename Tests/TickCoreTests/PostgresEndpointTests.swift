import Testing
import TickCore

/// Parsing, pooler detection, redaction and migration-target selection: pure logic, no server.
@Suite("PostgreSQL endpoint and configuration")
struct PostgresEndpointTests {
    static let password = "s3cr3t-Pa55word"

    @Test("a URI is described by libpq's own parser")
    func parsesURI() throws {
        let endpoint = try PostgresEndpoint(
            conninfo: "postgresql://tick:\(Self.password)@127.0.0.1:15432/tick_test?sslmode=require")
        #expect(endpoint.host == "127.0.0.1")
        #expect(endpoint.port == "15432")
        #expect(endpoint.database == "tick_test")
        #expect(endpoint.user == "tick")
        #expect(endpoint.address == "127.0.0.1:15432")
        #expect(endpoint.description == "127.0.0.1:15432/tick_test as user \"tick\"")
        #expect(!endpoint.isPooler)
    }

    @Test("a key/value string is described the same way")
    func parsesKeyValue() throws {
        let endpoint = try PostgresEndpoint(
            conninfo: "host=db.example.com port=5433 dbname=app user=worker password='\(Self.password) x'")
        #expect(endpoint.host == "db.example.com")
        #expect(endpoint.port == "5433")
        #expect(endpoint.database == "app")
        #expect(endpoint.user == "worker")
        #expect(!endpoint.description.contains(Self.password))
    }

    @Test("missing parts fall back to libpq's defaults in the address")
    func defaults() throws {
        let endpoint = try PostgresEndpoint(conninfo: "dbname=app")
        #expect(endpoint.host == nil)
        #expect(endpoint.port == nil)
        #expect(endpoint.address == "default socket:5432")
        #expect(endpoint.addressAndDatabase == "default socket:5432/app")
    }

    @Test(
        "transaction poolers are recognised by port 6543 or a pooler. host",
        arguments: [
            ("postgresql://postgres.abcd:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres", true),
            ("postgresql://postgres.abcd:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres", true),
            ("postgresql://u:pw@ep-cool-name-123456-pooler.us-east-2.aws.neon.tech/neondb", true),
            ("host=127.0.0.1 port=6543 dbname=postgres user=postgres", true),
            ("postgresql://u:pw@a.example.com:5432,b.example.com:6543/db", true),
            ("postgresql://postgres:pw@db.abcd.supabase.co:5432/postgres", false),
            ("host=127.0.0.1 port=5432 dbname=postgres", false),
            ("postgresql://u:pw@127.0.0.1/db", false),
        ])
    func poolerDetection(conninfo: String, isPooler: Bool) throws {
        #expect(try PostgresEndpoint(conninfo: conninfo).isPooler == isPooler)
    }

    @Test("several hosts are listed with their ports")
    func multiHost() throws {
        let endpoint = try PostgresEndpoint(conninfo: "postgresql://u@a.example.com:5432,b.example.com:6543/db")
        #expect(endpoint.address == "a.example.com:5432,b.example.com:6543")
        let samePort = try PostgresEndpoint(conninfo: "host=a,b port=5433")
        #expect(samePort.address == "a:5433,b:5433")
    }

    @Test("the password appears in no description, reflection or error")
    func redaction() throws {
        let url = "postgresql://tick:\(Self.password)@127.0.0.1:15432/tick_test"
        let configuration = try PostgresConfiguration(conninfo: Secret(url))
        let texts = [
            configuration.description, String(reflecting: configuration), "\(configuration.conninfo)",
            configuration.endpoint.description, String(reflecting: configuration.endpoint),
        ]
        for text in texts {
            #expect(!text.contains(Self.password), "leaked in \(text)")
        }
        #expect(configuration.description.contains("127.0.0.1:15432/tick_test"))
        #expect(configuration.conninfo.revealed == url)
    }

    @Test(
        "a malformed connection string is a config error that does not quote the password",
        arguments: [
            "postgresql://tick:pa%zz\(Self.password)@127.0.0.1/db",
            "postgresql://tick:\(Self.password)@127.0.0.1:notaport/db",
            "host=127.0.0.1 password='\(Self.password)",
            "host=127.0.0.1 password=\(Self.password) bogus_option=1",
            "postgresql://tick@127.0.0.1/db?password=\(Self.password)&nonsense=1",
        ])
    func malformed(conninfo: String) throws {
        let error = try #require(throws: PostgresError.self) {
            try PostgresConfiguration(conninfo: Secret(conninfo))
        }
        #expect(error.code == .malformedConnectionString)
        #expect(error.exitCode == .config)
        #expect(error.description.hasPrefix("DATABASE_URL is not a valid PostgreSQL connection string"))
        #expect(!error.description.contains(Self.password), "leaked in \(error.description)")
        #expect(!String(reflecting: error).contains(Self.password))
    }

    @Test("a missing or empty variable is named in the error")
    func missingVariable() throws {
        for environment in [[:], ["DATABASE_URL": ""], ["DATABASE_URL": "  "]] {
            let error = try #require(throws: PostgresError.self) {
                try PostgresConfiguration(environment: environment)
            }
            #expect(error.code == .missingVariable)
            #expect(error.exitCode == .config)
            #expect(error.description.hasPrefix("DATABASE_URL is not set"))
        }
        let direct = try #require(throws: PostgresError.self) {
            try PostgresConfiguration(environment: [:], variable: "DATABASE_URL_DIRECT")
        }
        #expect(direct.description.hasPrefix("DATABASE_URL_DIRECT is not set"))
    }

    @Test("the connect timeout defaults to 5 s, and the string's connect_timeout wins with libpq's rules")
    func connectTimeout() throws {
        let base = "postgresql://u@127.0.0.1/db"
        #expect(try PostgresConfiguration(conninfo: Secret(base)).effectiveConnectTimeout == .seconds(5))
        #expect(
            try PostgresConfiguration(conninfo: Secret(base), connectTimeout: .seconds(2)).effectiveConnectTimeout
                == .seconds(2))
        #expect(
            try PostgresConfiguration(conninfo: Secret(base + "?connect_timeout=10")).effectiveConnectTimeout
                == .seconds(10))
        #expect(
            try PostgresConfiguration(conninfo: Secret("host=h connect_timeout=1")).effectiveConnectTimeout
                == .seconds(2))
        #expect(try PostgresConfiguration(conninfo: Secret("host=h connect_timeout=0")).effectiveConnectTimeout == nil)
        #expect(throws: PostgresError.self) {
            try PostgresConfiguration(conninfo: Secret(base), connectTimeout: .zero)
        }
    }

    // MARK: Migration target

    static let pooler = "postgresql://postgres.abcd:\(password)@aws-0-eu-central-1.pooler.supabase.com:6543/postgres"
    static let direct = "postgresql://postgres:\(password)@db.abcd.supabase.co:5432/postgres"

    @Test("a pooler without DATABASE_URL_DIRECT cannot be migrated, and the error says what to set")
    func poolerWithoutDirect() throws {
        let error = try #require(throws: PostgresError.self) {
            try MigrationTarget.select(environment: ["DATABASE_URL": Self.pooler])
        }
        #expect(error.code == .missingDirectURL)
        #expect(error.exitCode == .config)
        #expect(
            error.description
                == "DATABASE_URL points at a transaction pooler (port 6543), which cannot run DDL safely: "
                + "set DATABASE_URL_DIRECT to the direct connection (port 5432)")
        #expect(!error.description.contains(Self.password))
    }

    @Test("a pooler with DATABASE_URL_DIRECT migrates through the direct URL and says so")
    func poolerWithDirect() throws {
        let target = try MigrationTarget.select(
            environment: ["DATABASE_URL": Self.pooler, "DATABASE_URL_DIRECT": Self.direct])
        #expect(target.usesDirectURL)
        #expect(target.configuration.conninfo.revealed == Self.direct)
        #expect(target.configuration.variableName == "DATABASE_URL_DIRECT")
        #expect(target.configuration.endpoint.host == "db.abcd.supabase.co")
        #expect(target.explanation.contains("DATABASE_URL_DIRECT"))
        #expect(target.explanation.contains("transaction pooler"))
        #expect(!target.explanation.contains(Self.password))
    }

    @Test("a direct DATABASE_URL is migrated as it is")
    func directURL() throws {
        let target = try MigrationTarget.select(environment: ["DATABASE_URL": Self.direct])
        #expect(!target.usesDirectURL)
        #expect(target.configuration.variableName == "DATABASE_URL")
        #expect(target.explanation == "migrating through DATABASE_URL (db.abcd.supabase.co:5432/postgres)")
    }

    @Test("DATABASE_URL_DIRECT that is itself a pooler is rejected")
    func directIsPooler() throws {
        let error = try #require(throws: PostgresError.self) {
            try MigrationTarget.select(environment: ["DATABASE_URL": Self.pooler, "DATABASE_URL_DIRECT": Self.pooler])
        }
        #expect(error.code == .missingDirectURL)
        #expect(error.description.hasPrefix("DATABASE_URL_DIRECT points at a transaction pooler too"))
    }

    @Test("with neither variable set, the error names DATABASE_URL")
    func nothingSet() throws {
        let error = try #require(throws: PostgresError.self) { try MigrationTarget.select(environment: [:]) }
        #expect(error.code == .missingVariable)
        #expect(error.description.hasPrefix("DATABASE_URL is not set"))
    }
}
