import Foundation
import Testing
import TickCore

/// `tick doctor` run as users run it, against the real gateway, redis-server and PostgreSQL.
@Suite("tick doctor", .serialized)
struct DoctorTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The line of one check, such as `error   redis.token   …`.
        func line(_ check: String) -> String? {
            stdout.split(separator: "\n").map(String.init).first { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) == check }
        }

        /// The status word of one check's line.
        func status(of check: String) -> String? { line(check)?.split(separator: " ").first.map(String.init) }
    }

    let harness: RunnerHarness
    let environment: [String: String]

    init() throws {
        harness = try RunnerHarness()
        environment = harness.binaryEnvironment(removing: ["DATABASE_URL_DIRECT", "CRON_SECRET"])
    }

    /// Runs the built binary in a fresh temporary directory (no tick.json, no vercel.json).
    func doctor(_ arguments: [String] = [], environment overrides: [String: String] = [:]) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try await runProcess(
            RunnerHarness.tickBinary, ["doctor", "--jobs-per-day", "100"] + arguments, environment: environment.merging(overrides) { $1 }, directory: directory)
        return Result(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    @Test("every check ok against the local services, in one Redis request; --json says the same; no secret printed")
    func allOK() async throws {
        _ = try await runProcess(RunnerHarness.tickBinary, ["run", "--log-level", "critical"], environment: environment)  // a heartbeat
        let result = try await doctor()
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        for check in ["env.redis_url", "env.redis_token", "env.database_url", "env.database_url_direct", "env.cron_secret", "redis.token", "redis.eviction",
            "postgres.connect", "postgres.schema", "config", "queues", "cost", "runs.last"]
        {
            #expect(result.status(of: check) == "ok", "\(check): \(result.line(check) ?? "missing")")
        }
        #expect(result.line("redis.eviction")?.contains("noeviction") == true, "dev-services runs redis-server with noeviction")
        #expect(result.stdout.contains("0 errors, 0 warnings; 1 Redis request (3 commands)"), "\(result.stdout)")
        #expect(!result.stdout.contains(harness.token) && !result.stderr.contains(harness.token))
        #expect(!result.stdout.contains(harness.databaseURL) && !result.stdout.contains("tick:tick@"))

        let json = try await doctor(["--json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["errors"] as? Int == 0)
        #expect(object["redis_requests"] as? Int == 1)
        #expect(object["redis_commands"] as? Int == 3, "CONFIG GET, the stats script and the heartbeat, in one pipeline")
        #expect(object["exit_code"] as? Int == 0)
        let checks = try #require(object["checks"] as? [[String: Any]])
        #expect(checks.allSatisfy { $0["status"] as? String == "ok" }, "\(checks)")
        #expect(!json.stdout.contains(harness.token))
    }

    @Test("a wrong token is an error line naming the standard token, and exit code 83; the token is never printed")
    func wrongToken() async throws {
        let token = "doctor-wrong-token-\(UInt32.random(in: 0...UInt32.max))"
        let result = try await doctor(environment: ["UPSTASH_REDIS_REST_TOKEN": token])
        #expect(result.status == TickExitCode.checksFailed.rawValue)
        #expect(result.status(of: "redis.token") == "error")
        #expect(result.line("redis.token")?.contains("401") == true)
        #expect(result.line("redis.token")?.contains("standard token, not the read-only one") == true)
        #expect(result.status(of: "env.redis_token") == "ok", "the variable is present and well-formed")
        #expect(result.status(of: "postgres.connect") == "ok", "the other checks still run")
        #expect(!result.stdout.contains(token) && !result.stderr.contains(token))
        #expect(result.stdout.contains("1 Redis request"))

        let missing = try await doctor(["--json"], environment: ["UPSTASH_REDIS_REST_TOKEN": ""])
        #expect(missing.status == TickExitCode.checksFailed.rawValue)
        #expect(missing.stdout.contains(#""check":"env.redis_token","message":"UPSTASH_REDIS_REST_TOKEN is not set"#))
        #expect(missing.stdout.contains(#""redis_requests":0"#), "no request without a token")
    }

    @Test("an unreachable PostgreSQL (a closed loopback port) is an error; a pooler is explained and DATABASE_URL_DIRECT checked; no password printed")
    func unreachablePostgres() async throws {
        let port = try Self.closedPort()
        let password = "doctor-pw-\(UInt32.random(in: 0...UInt32.max))"
        let result = try await doctor(environment: ["DATABASE_URL": "postgresql://tick:\(password)@127.0.0.1:\(port)/tick"])
        #expect(result.status == TickExitCode.checksFailed.rawValue)
        #expect(result.status(of: "postgres.connect") == "error")
        #expect(result.line("postgres.connect")?.contains("could not reach PostgreSQL at 127.0.0.1:\(port)") == true, "\(result.stdout)")
        #expect(result.status(of: "postgres.schema") == nil, "no schema check without a connection")
        #expect(result.status(of: "redis.token") == "ok")
        #expect(!result.stdout.contains(password) && !result.stderr.contains(password))

        // A pooler DATABASE_URL with no DATABASE_URL_DIRECT: a warning that explains the consequence.
        let pooled = try await doctor(environment: ["DATABASE_URL": "postgresql://tick:\(password)@127.0.0.1:6543/tick"])
        #expect(pooled.status(of: "env.database_url_direct") == "warning")
        #expect(pooled.line("env.database_url_direct")?.contains("DATABASE_URL_DIRECT") == true)
        #expect(pooled.status(of: "postgres.pooler") == "ok")
        #expect(pooled.line("postgres.pooler")?.contains("tick migrate uses DATABASE_URL_DIRECT") == true)
        #expect(!pooled.stdout.contains(password))

        // With DATABASE_URL_DIRECT: checked by connecting, ok when reachable, an error when not.
        let direct = try await doctor(environment: ["DATABASE_URL": "postgresql://tick:\(password)@127.0.0.1:6543/tick", "DATABASE_URL_DIRECT": harness.databaseURL])
        #expect(direct.status(of: "env.database_url_direct") == "ok")
        #expect(direct.status(of: "postgres.direct") == "ok", "\(direct.stdout)")
        let closedDirect = try await doctor(environment: ["DATABASE_URL_DIRECT": "postgresql://tick:\(password)@127.0.0.1:\(port)/tick"])
        #expect(closedDirect.status(of: "postgres.connect") == "ok")
        #expect(closedDirect.status(of: "postgres.direct") == "error")
        #expect(closedDirect.line("postgres.direct")?.contains("check DATABASE_URL_DIRECT") == true, "\(closedDirect.stdout)")
        #expect(closedDirect.status == TickExitCode.checksFailed.rawValue)
        #expect(!closedDirect.stdout.contains(password))

        // A wrong password on the real server: rejected, and the password never echoed.
        let rejected = try await doctor(environment: ["DATABASE_URL": "postgresql://tick:\(password)@127.0.0.1:\(Self.port(of: harness.databaseURL))/tick_runner_test"])
        #expect(rejected.status(of: "postgres.connect") == "error")
        #expect(rejected.line("postgres.connect")?.contains("rejected") == true, "\(rejected.stdout)")
        #expect(!rejected.stdout.contains(password) && !rejected.stderr.contains(password))
    }

    @Test("a malformed config file is reported with the file and handler at fault; a schedule naming an unknown handler is a warning")
    func malformedConfig() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-\(harness.prefix).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(#"{"handlers": {"resize": {"kind": "exec", "comand": ["./bin/resize"]}}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let result = try await doctor(["--config", path])
        #expect(result.status == TickExitCode.checksFailed.rawValue)
        #expect(result.status(of: "config") == "error")
        #expect(result.line("config")?.contains(#"handler "resize": unknown key "comand""#) == true, "\(result.stdout)")

        try Data(#"{"handlers": {"x": "#.utf8).write(to: URL(fileURLWithPath: path))
        await #expect(try doctor(["--config", path]).line("config")?.contains("not valid JSON") == true)

        try Data(
            #"{"handlers": {"resize": {"kind": "exec", "command": ["/bin/true"]}}, "schedules": {"nightly": {"cron": "0 2 * * *", "job": {"handler": "cleanup", "items": [{}]}}}}"#
                .utf8
        ).write(to: URL(fileURLWithPath: path))
        let valid = try await doctor(["--config", path])
        #expect(valid.status == 0, "\(valid.stdout)")
        #expect(valid.status(of: "config") == "ok")
        #expect(valid.line("config")?.contains("resize (exec)") == true && valid.line("config")?.contains("schedules nightly") == true)
        #expect(valid.status(of: "config.schedule.nightly") == "warning")
    }

    @Test("ready jobs of a handler the config does not define are an error naming the handler and where handlers come from")
    func unknownHandler() async throws {
        let queue = try harness.queue()
        let p = harness.prefix
        _ = try await queue.enqueue(
            [.items("\(p)-a", count: 1, handler: "resize"), .items("\(p)-b", count: 1, handler: "resize"), .items("\(p)-c", count: 1, handler: "noop")],
            nowMilliseconds: UnixTime.nowMilliseconds())
        let result = try await doctor()
        #expect(result.status == 83, "\(result.stdout)")
        let line = try #require(result.line("queue.default.handler.resize"), "\(result.stdout)")
        #expect(line.hasPrefix("error") && line.contains("2 ready jobs for handler \"resize\"") && line.contains("no config file"), "\(line)")
        #expect(result.line("queue.default.handler.noop") == nil, "a built-in handler is known")
    }

    @Test("a dead letter, a lease past due and an old ready job are warnings, found in the one stats request")
    func queueWarnings() async throws {
        let queue = try harness.queue()
        let p = harness.prefix
        let now = UnixTime.nowMilliseconds()
        _ = try await queue.enqueue([.items("\(p)-dead", count: 1, handler: "noop"), .items("\(p)-lost", count: 1, handler: "noop")], nowMilliseconds: now)
        let claim = try await queue.claim(queues: ["default"], handlers: ["noop"], batch: 2, lease: .milliseconds(1), nowMilliseconds: now)
        #expect(claim.jobs.count == 2)
        let dead = try #require(claim.jobs.first { $0.id == "\(p)-dead" })
        _ = try await queue.acknowledge([.init(job: dead, outcome: .dead(reason: "test"))], nowMilliseconds: now)
        // An old low-priority job and a new high-priority one: the oldest is found behind the head of the set.
        _ = try await queue.enqueue([.items("\(p)-old", count: 1, handler: "noop")], nowMilliseconds: now - 2 * 3_600_000)
        var urgent = JobSpec.items("\(p)-urgent", count: 1, handler: "noop")
        urgent.priority = 90
        _ = try await queue.enqueue([urgent], nowMilliseconds: now)
        try await Task.sleep(for: .milliseconds(20))

        let result = try await doctor()
        #expect(result.status == 0, "warnings only: \(result.stdout)")
        #expect(result.status(of: "queue.default") == "warning")
        #expect(result.line("queue.default")?.contains("ready 2, delayed 0, leased 1, dead 1") == true, "\(result.stdout)")
        #expect(result.line("queue.default")?.contains("oldest ready job enqueued 2 h 0 min ago") == true, "\(result.stdout)")
        #expect(result.status(of: "queue.default.dead") == "warning")
        #expect(result.line("queue.default.dead")?.contains("tick dead list") == true)
        #expect(result.status(of: "queue.default.leases") == "warning")
        #expect(result.line("queue.default.leases")?.contains("1 lease past due") == true)
        #expect(result.line("cost")?.contains("backlog 2 ready jobs") == true, "\(result.stdout)")
        #expect(result.stdout.contains("1 Redis request (3 commands)"))

        let stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds()).first { $0.queue == "default" }
        #expect(stats?.oldestReadyEnqueuedAt == now - 2 * 3_600_000)
        #expect(stats?.expiredLeases == 1)
    }

    /// A loopback port nothing listens on: bound, then closed.
    static func closedPort() throws -> Int {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The port of a `postgresql://user:pw@host:PORT/db` URL.
    static func port(of url: String) -> String {
        let afterAt = url.split(separator: "@").last.map(String.init) ?? ""
        let hostPort = afterAt.split(separator: "/").first.map(String.init) ?? ""
        return hostPort.split(separator: ":").last.map(String.init) ?? "5432"
    }
}
