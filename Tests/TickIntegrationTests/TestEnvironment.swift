import Foundation
import Testing

/// Where the integration tests find the real services that `scripts/dev-services` starts on loopback.
///
/// A missing variable is a test failure with an instruction, never a skip: these tests exist to run
/// against the real `redis-server`, REST gateway and PostgreSQL.
enum TestEnvironment {
    static func require(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            Issue.record(
                "\(name) is not set: start the services with `eval \"$(scripts/dev-services start)\"` or run `scripts/test`",
                sourceLocation: sourceLocation)
            throw MissingService(name: name)
        }
        return value
    }

    /// `UPSTASH_REDIS_REST_URL`, the gateway in front of the test redis-server.
    static func restURL() throws -> String { try require("UPSTASH_REDIS_REST_URL") }
    /// `UPSTASH_REDIS_REST_TOKEN`.
    static func restToken() throws -> String { try require("UPSTASH_REDIS_REST_TOKEN") }
    /// `TICK_TEST_DATABASE_URL`, a database the tests may write to and wipe.
    static func databaseURL() throws -> String { try require("TICK_TEST_DATABASE_URL") }

    struct MissingService: Error, CustomStringConvertible {
        let name: String
        var description: String { "missing service: \(name) is not set (run scripts/test)" }
    }
}
