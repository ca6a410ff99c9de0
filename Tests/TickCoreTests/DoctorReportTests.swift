import Testing
@testable import TickCore

/// The doctor without services: environments whose checks stop before any request or connection
/// (or whose only connection is refused at once on loopback).
@Suite("Doctor report")
struct DoctorReportTests {
    func doctor(_ environment: [String: String], serve: Bool = false) async -> Doctor {
        var doctor = Doctor(environment: environment, prefix: "doctor-unit", configPath: nil, serve: serve, cost: CostAssumptions(jobsPerDay: 100))
        await doctor.run()
        return doctor
    }

    func line(_ report: DoctorReport, _ check: String) -> String? {
        report.text.split(separator: "\n").map(String.init).first { $0.split(separator: " ").dropFirst().first.map(String.init) == check }
    }

    @Test("no Upstash variables nor DATABASE_URL: error lines naming each variable, exit code 83, no Redis request")
    func missingVariables() async throws {
        let report = await doctor([:]).report
        #expect(report.checks.map(\.name) == ["env.redis_url", "env.redis_token", "env.database_url", "env.database_url_direct", "env.cron_secret", "config", "cost"])
        #expect(report.errorCount == 3 && report.warningCount == 0)
        #expect(report.exitCode == TickExitCode.checksFailed.rawValue)
        let url = try #require(line(report, "env.redis_url"))
        #expect(url.hasPrefix("error   env.redis_url            UPSTASH_REDIS_REST_URL is not set"))
        #expect(line(report, "env.redis_token")?.contains("UPSTASH_REDIS_REST_TOKEN is not set") == true)
        #expect(line(report, "env.database_url")?.hasPrefix("error") == true)
        #expect(line(report, "cost")?.contains("100 jobs/day (given)") == true)
        #expect(report.text.hasSuffix("\n7 checks: 3 errors, 0 warnings; 0 Redis requests (0 commands)"))
        #expect(report.json.contains("\"exit_code\":83"))
    }

    @Test("a token with a line break is an error, an http URL to a remote host a warning; neither is sent")
    func malformedUpstash() async {
        let doctor = await doctor(["UPSTASH_REDIS_REST_URL": "http://redis.example.com", "UPSTASH_REDIS_REST_TOKEN": "abc\ndef"], serve: true)
        #expect(doctor.checks.first { $0.name == "env.redis_url" }?.level == .warning)
        #expect(doctor.checks.first { $0.name == "env.redis_token" }?.message.contains("whitespace or a line break") == true)
        #expect(doctor.checks.first { $0.name == "env.cron_secret" }?.level == .warning, "--serve needs CRON_SECRET")
        #expect(doctor.redisRequests == 0)
        #expect(!doctor.report.text.contains("abc\ndef"))
    }

    @Test("a DATABASE_URL password and CRON_SECRET never appear in the report, even when a message echoes them")
    func redaction() async throws {
        let password = "doctor-unit-password-\(UInt32.random(in: 0...UInt32.max))"
        let url = "postgres://tick:\(password)@127.0.0.1:1/tick"
        let cronSecret = "short-secret"
        var doctor = await doctor(["DATABASE_URL": url, "CRON_SECRET": cronSecret])
        #expect(doctor.checks.first { $0.name == "postgres.connect" }?.level == .error, "nothing listens on port 1")
        #expect(doctor.checks.first { $0.name == "env.cron_secret" }?.message.contains("short (12 characters, not shown)") == true)
        #expect(!doctor.report.text.contains(password), "the run's own lines: PostgresError leaves the password out")
        // A server echoing a whole connection string or a secret variable: the doctor removes them.
        doctor.add("echo", .warning, "server said: \(url) / \(cronSecret)")
        #expect(doctor.checks.last?.message == "server said: *** / ***")
        for output in [doctor.report.text, doctor.report.json] {
            #expect(!output.contains(password) && !output.contains(cronSecret) && !output.contains(url))
        }
    }
}
