import Testing

@testable import TickCore

/// The `alerts` section of tick.json: webhooks checked as `http` endpoints are, with the events they want.
@Suite struct AlertConfigTests {
    static let key = String(repeating: "k", count: 32)

    func parse(_ text: String) throws -> TickConfigFile {
        try TickConfigFile.parse(bytes: Array(text.utf8), path: "tick.json", environment: ["ALERT_KEY": Self.key, "HOOK": "T000/B000/secret"])
    }

    @Test func aSinkWithItsDefaults() throws {
        let file = try parse(#"{"alerts": [{"url": "https://hooks.example.com/${HOOK}", "signing_key": "${ALERT_KEY}", "events": ["job.dead", "ticks.missed"]}]}"#)
        let sink = try #require(file.alerts.first)
        #expect(sink.url == "https://hooks.example.com/T000/B000/secret" && sink.signer != nil)
        #expect(sink.events == [.jobDead, .ticksMissed] && sink.format == .json)
        #expect(sink.maxSilence == .seconds(180) && sink.timeout == .seconds(2) && sink.commandsPerMonth == nil)
        #expect(sink.displayURL == "https://hooks.example.com/…", "a webhook's path is its credential: never shown")
        #expect(file.warnings.isEmpty, "alerts is a known top-level key")
    }

    @Test func slackWithLimits() throws {
        let file = try parse(
            #"{"alerts": [{"url": "https://h.example.com/x", "unsigned": true, "format": "slack", "events": ["cost.projected_over"], "commands_per_month": 400000, "max_silence_s": 600, "timeout_ms": 500}]}"#
        )
        let sink = try #require(file.alerts.first)
        #expect(sink.signer == nil && sink.format == .slack && sink.commandsPerMonth == 400_000)
        #expect(sink.maxSilence == .seconds(600) && sink.timeout == .milliseconds(500))
    }

    @Test(arguments: [
        (#"{"alerts": {"url": "https://x.example.com"}}"#, #""alerts" must be a list of webhooks"#),
        (#"{"alerts": [{"url": "https://x.example.com", "signing_key": "${ALERT_KEY}"}]}"#, #"alerts[0]: "events" is required"#),
        (#"{"alerts": [{"url": "https://x.example.com", "signing_key": "${ALERT_KEY}", "events": ["job.died"]}]}"#, #""job.died", which is not an event"#),
        (#"{"alerts": [{"url": "https://x.example.com", "events": ["job.dead"]}]}"#, #"alerts[0]: "signing_key" is required"#),
        (#"{"alerts": [{"url": "https://x.example.com", "unsigned": true, "event": ["job.dead"]}]}"#, #"unknown key "event" (did you mean "events"?)"#),
        (#"{"alerts": [{"url": "https://x.example.com", "unsigned": true, "events": ["cost.projected_over"]}]}"#, #"needs "commands_per_month""#),
        (#"{"alerts": [{"url": "https://x.example.com", "unsigned": true, "events": ["job.dead"], "format": "teams"}]}"#, #""format" must be "json" or "slack""#),
        (#"{"alerts": [{"url": "ftp://x.example.com", "unsigned": true, "events": ["job.dead"]}]}"#, #""url" must start with https://"#),
    ])
    func mistakesAreNamed(text: String, message: String) throws {
        let error = try #require(throws: ConfigFileError.self) { try parse(text) }
        #expect(error.description.contains(message), "\(error.description)")
        #expect(error.exitCode == .config)
        #expect(!error.description.contains(Self.key), "no secret in a message")
    }

    @Test func slackBodyReadsAsASentence() throws {
        let event = AlertEvent(
            kind: .jobDead, id: "job.dead:j1:3", at: 0,
            details: ["job": .object(["id": .string("j1"), "queue": .string("mail"), "handler": .string("send"), "reason": .string("boom"), "attempts": .integer(3)])])
        let body = String(decoding: AlertBody.make([event], format: .slack), as: UTF8.self)
        #expect(body.contains("job `j1` dead-lettered in queue `mail` (handler `send`) after 3 attempt(s): boom"), "\(body)")
        let parsed = try #require(AlertEvent(json: event.json))
        #expect(parsed.id == event.id && parsed.kind == .jobDead && parsed.details == event.details)
    }
}
