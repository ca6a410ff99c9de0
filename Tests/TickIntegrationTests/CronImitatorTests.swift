import Foundation
import Testing
import TickCore

/// `tick cron`, the local Vercel Cron imitator, run as the built binary against a loopback HTTP server.
/// Needs no Redis or PostgreSQL.
struct CronImitatorTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `tick cron <arguments>` with a vercel.json holding `json`, CRON_SECRET set only through `secret`.
    func cron(_ arguments: [String], json: String, secret: String?) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tick-cron-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("vercel.json")
        try Data(json.utf8).write(to: file)

        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "CRON_SECRET")
        if let secret { environment["CRON_SECRET"] = secret }
        let output = try await runProcess(
            RunnerHarness.tickBinary, ["cron", "--file", file.path] + arguments + ["--log-format", "json"], environment: environment, directory: directory)
        return Result(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    /// The request line and headers the server received, lower-cased, one per line.
    func lines(_ server: ScriptedHTTPServer) -> [String] { server.lastHeaders.components(separatedBy: "\r\n") }

    @Test func onceSendsTheRequestExactlyAsVercelDoes() async throws {
        let server = try ScriptedHTTPServer(replies: [.status(200, body: #"{"ok":true}"#)])
        defer { server.stop() }
        let secret = "cron-secret-\(UInt32.random(in: 0...UInt32.max))"
        let result = try await cron(
            ["--once", "--base-url", server.url], json: #"{"crons":[{"path":"/api/cron/tick","schedule":"*/5 * * * *"}]}"#, secret: secret)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests == 1)
        let received = lines(server)
        #expect(received.first == "get /api/cron/tick http/1.1")
        #expect(received.contains("authorization: bearer \(secret)"))
        #expect(received.contains("user-agent: vercel-cron/1.0"))
        #expect(received.contains("x-vercel-cron-schedule: */5 * * * *"))
        // One log line for the invocation, with its status and time; the secret is never printed.
        let logged = result.stderr.split(separator: "\n").filter { $0.contains("cron invocation") }
        #expect(logged.count == 1)
        #expect(logged.first?.contains(#""http.status":"200""#) == true)
        #expect(logged.first?.contains(#""cron.path":"/api/cron/tick""#) == true)
        #expect(logged.first?.contains(#""cron.time":""#) == true)
        #expect(!result.stderr.contains(secret))
        #expect(!result.stdout.contains(secret))
    }

    @Test func withoutCronSecretNoAuthorizationIsSent() async throws {
        let server = try ScriptedHTTPServer(replies: [.status(204, body: "")])
        defer { server.stop() }
        let result = try await cron(["--once", "--base-url", server.url + "/"], json: #"{"crons":[{"path":"/api/a?x=1","schedule":"0 0 * * *"}]}"#, secret: nil)
        #expect(result.status == 0, "\(result.stderr)")
        let received = lines(server)
        #expect(received.first == "get /api/a?x=1 http/1.1")
        #expect(!received.contains { $0.hasPrefix("authorization:") })
        #expect(received.contains("x-vercel-cron-schedule: 0 0 * * *"))
    }

    @Test func failuresAndRedirectsAreNamedAndNotFollowed() async throws {
        let server = try ScriptedHTTPServer(replies: [
            .status(200, body: "{}"),
            .status(500, body: #"{"error":"boom"}"#),
            .status(307, body: "", headers: ["Location: /elsewhere"]),
        ])
        defer { server.stop() }
        let json = #"""
            {"crons":[{"path":"/ok","schedule":"* * * * *"},{"path":"/broken","schedule":"0 * * * *"},{"path":"/moved","schedule":"0 0 1 * *"}]}
            """#
        let result = try await cron(["--once", "--base-url", server.url], json: json, secret: "s")
        #expect(result.status == 82, "answered, but not 2xx: \(result.stderr)")
        #expect(server.requests == 3, "the redirect is not followed")
        #expect(result.stderr.contains("2 of 3 cron invocations did not answer 2xx: /broken (HTTP 500), /moved (HTTP 307)"))
        #expect(result.stderr.contains(#""http.location":"/elsewhere""#))
    }

    @Test func unreachableTargetFails() async throws {
        try await ScriptedHTTPServer.withRefusingPort { port in
            let result = try await cron(["--once", "--base-url", "http://127.0.0.1:\(port)"], json: #"{"crons":[{"path":"/a","schedule":"* * * * *"}]}"#, secret: nil)
            #expect(result.status == 69, "no response: \(result.stderr)")
            #expect(result.stderr.contains("cron invocation failed"))
            #expect(result.stderr.contains("is the deployment running at --base-url?"))
            #expect(result.stderr.contains("1 of 1 cron invocations did not answer 2xx: /a ("))
        }
    }

    @Test func refusedSecretExits77() async throws {
        let server = try ScriptedHTTPServer(replies: [.status(401, body: #"{"error":"unauthorized"}"#), .status(500, body: "{}")])
        defer { server.stop() }
        let json = #"{"crons":[{"path":"/a","schedule":"* * * * *"},{"path":"/b","schedule":"* * * * *"}]}"#
        let refused = try await cron(["--once", "--base-url", server.url], json: json, secret: "wrong")
        #expect(refused.status == 77, "401 means CRON_SECRET was refused: \(refused.stderr)")
        #expect(refused.stderr.contains("2 of 2 cron invocations did not answer 2xx: /a (HTTP 401), /b (HTTP 500)"))
        #expect(refused.stderr.contains("set the same CRON_SECRET"))
        #expect(!refused.stderr.contains("wrong"), "the secret is never printed")
    }

    @Test func invalidVercelJSONExits78WithTheRule() async throws {
        let server = try ScriptedHTTPServer(replies: [])
        defer { server.stop() }
        let result = try await cron(
            ["--once", "--base-url", server.url], json: #"{"crons":[{"path":"/api/report","schedule":"0 9 * * MON"}]}"#, secret: "s")
        #expect(result.status == 78)
        #expect(result.stderr.contains(#"crons[0].schedule "0 9 * * MON": named days are not allowed by Vercel; use 1"#))
        #expect(server.requests == 0)

        let both = try await cron(["--once", "--base-url", server.url], json: #"{"crons":[{"path":"/a","schedule":"0 0 1 * 1"}]}"#, secret: nil)
        #expect(both.status == 78)
        #expect(both.stderr.contains("Vercel does not allow both day-of-month and day-of-week to be set"))

        let empty = try await cron(["--once"], json: #"{"functions":{}}"#, secret: nil)
        #expect(empty.status == 78)
        #expect(empty.stderr.contains("no \"crons\" entries"))
    }

    /// Without --once: sleeps until the next whole minute (UTC) and calls the every-minute cron then.
    /// Takes up to a minute.
    @Test func scheduledModeFiresAtTheNextMinute() async throws {
        let server = try ScriptedHTTPServer(replies: [.status(200, body: "{}"), .status(200, body: "{}")])
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tick-cron-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("vercel.json")
        try Data(#"{"crons":[{"path":"/every-minute","schedule":"* * * * *"},{"path":"/never-soon","schedule":"0 0 1 1 *"}]}"#.utf8).write(to: file)
        let log = directory.appendingPathComponent("stderr.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunnerHarness.tickBinary)
        process.arguments = ["cron", "--file", file.path, "--base-url", server.url, "--log-format", "json"]
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(75)
        while server.requests == 0 && Date() < deadline && process.isRunning {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(server.requests == 1, "one request at the next minute")
        #expect(lines(server).first == "get /every-minute http/1.1")
        try await Task.sleep(for: .milliseconds(300))  // let the log line be written
        let stderr = try String(contentsOf: log, encoding: .utf8)
        let invocation = try #require(stderr.split(separator: "\n").first { $0.contains("\"cron invocation\"") })
        // The slot is a whole minute and the request went out within two seconds of it.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(invocation.utf8)) as? [String: Any])
        let slot = try #require(object["cron.slot"] as? String)
        let sent = try #require(object["cron.time"] as? String)
        #expect(slot.hasSuffix(":00Z"))
        #expect(sent.prefix(16) == slot.prefix(16) || sent.hasSuffix(":01Z"), "sent \(sent) for slot \(slot)")
        #expect(stderr.contains("\"cron job scheduled\""))
    }

    @Test func badBaseURLIsAUsageError() async throws {
        let result = try await cron(["--once", "--base-url", "127.0.0.1:3000"], json: #"{"crons":[{"path":"/a","schedule":"* * * * *"}]}"#, secret: nil)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--base-url must start with http:// or https://"))
    }
}
