import Foundation
import Testing
import TickCore

/// A second `tick-gateway` process (the built binary), on a free loopback port, in front of the same
/// redis-server as the services' gateway (`TICK_TEST_REDIS_PORT`), with fault injection turned on.
final class FaultyGateway: Sendable {
    /// The token clients of this gateway send.
    static let token = "fault-gateway-token"

    let process: Process
    let port: Int
    let logPath: String

    /// The REST URL of this gateway.
    var url: String { "http://127.0.0.1:\(port)" }

    /// The built `tick-gateway`, beside `tick`.
    static var binary: String {
        URL(fileURLWithPath: RunnerHarness.tickBinary).deletingLastPathComponent().appendingPathComponent("tick-gateway").path
    }

    /// Starts `tick-gateway --port 0 --redis-port $TICK_TEST_REDIS_PORT <faultArguments>` and waits for its
    /// `listening on` line.
    init(_ faultArguments: [String]) throws {
        let redisPort = try TestEnvironment.require("TICK_TEST_REDIS_PORT")
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("tick-gateway-faults-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--port", "0", "--redis-port", redisPort, "--redis-connections", "4"] + faultArguments
        var environment = ProcessInfo.processInfo.environment
        environment["TICK_GATEWAY_TOKEN"] = Self.token
        environment["LOG_LEVEL"] = "info"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var found: Int?
        while Date() < deadline, process.isRunning, found == nil {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let match = log.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/) { found = Int(match.1) }
            if found == nil { usleep(20_000) }
        }
        guard let found else {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            Issue.record("tick-gateway with faults did not start listening: \(log)")
            throw DidNotStart()
        }
        port = found
    }

    struct DidNotStart: Error {}

    /// Everything the gateway logged so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// A client of this gateway: short timeouts, so a `slow` fault times out, and the default retries.
    func client(requestTimeout: Duration = .milliseconds(800)) throws -> UpstashClient {
        try UpstashClient(
            configuration: UpstashConfiguration(url: url, token: Secret(Self.token), connectTimeout: .seconds(1), requestTimeout: requestTimeout))
    }

    /// The gateway's own counters (`GET /_tick-gateway/faults`).
    struct Counts {
        var requests: Int
        var faults: Int
        var kinds: [String: Int]
    }

    func counts() throws -> Counts {
        let response = try HTTPGet.get(url + "/_tick-gateway/faults", headers: [HTTPGet.Header("Authorization", "Bearer \(Self.token)")], timeout: .seconds(5))
        #expect(response.status == 200)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return Counts(
            requests: object["requests"] as? Int ?? -1, faults: object["faults"] as? Int ?? -1,
            kinds: object["kinds"] as? [String: Int] ?? [:])
    }

    /// Stops it (SIGKILL: a `slow` reply in flight need not be waited for).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logPath)
    }
}
