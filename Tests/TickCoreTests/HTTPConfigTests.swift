import Testing
import TickCore

/// The `http` handler's settings in tick.json: expansion of `${NAME}`, and one clear error per mistake
/// that names the key (and the variable), never a secret's value.
struct HTTPConfigTests {
    static let key = String(repeating: "k", count: 32)
    static let environment = ["APP_URL": "https://app.example.com", "APP_TOKEN": "tok-123", "KEY": key, "SHORT": "short"]

    func parse(_ settings: String, environment: [String: String] = HTTPConfigTests.environment) throws(ConfigFileError) -> TickConfigFile {
        try TickConfigFile.parse(bytes: Array(#"{"handlers": {"hook": {"kind": "http", \#(settings)}}}"#.utf8), path: "tick.json", environment: environment)
    }

    func message(_ settings: String, environment: [String: String] = HTTPConfigTests.environment) -> String {
        do {
            _ = try parse(settings, environment: environment)
            return "(accepted)"
        } catch {
            #expect(error.exitCode == .config)
            #expect(error.handler == "hook")
            return error.description
        }
    }

    @Test("every setting, with ${NAME} expanded in url, headers and signing_key")
    func full() throws {
        let config = try parse(
            #""url": "${APP_URL}/api/tick?v=1", "method": "put", "headers": {"Authorization": "Bearer ${APP_TOKEN}", "X-Env": "prod"}, "timeout_ms": 5000, "concurrency": 50, "rate": {"requests": 10, "period_ms": 1000}, "signing_key": "${KEY}", "signature_ttl_s": 60, "max_result_bytes": 1024"#
        )
        guard case .http(let http)? = config.handlers["hook"]?.kind else {
            Issue.record("not an http handler")
            return
        }
        #expect(config.handlers["hook"]?.itemTimeout == .milliseconds(5000))
        #expect(http.url == "https://app.example.com/api/tick?v=1")
        #expect(http.method == "PUT")
        #expect(http.headers.map(\.name) == ["Authorization", "X-Env"])
        #expect(http.headers.first?.value.revealed == "Bearer tok-123")
        #expect(http.signer?.ttl == .seconds(60))
        #expect(http.concurrency == 50)
        #expect(http.rate == .init(requests: 10, period: .seconds(1)))
        #expect(http.maxResultBytes == 1024)
        #expect(http.displayURL == "https://app.example.com/api/tick")
        let registry = config.registry(inheritedEnvironment: [:])
        #expect(registry["hook"]?.concurrencyLimit == 50)
    }

    @Test("unsigned needs saying so; defaults are POST, 64 KiB, no limits")
    func unsigned() throws {
        let config = try parse(#""url": "http://127.0.0.1:8080/x", "unsigned": true"#)
        guard case .http(let http)? = config.handlers["hook"]?.kind else {
            Issue.record("not an http handler")
            return
        }
        #expect(http.signer == nil)
        #expect(http.method == "POST")
        #expect(http.maxResultBytes == 64 << 10)
        #expect(http.concurrency == nil && http.rate == nil)
    }

    @Test("the URL's credentials and query are left out of messages and logs")
    func displayURL() {
        let configuration = HTTPHandler.Configuration(url: "https://user:pw@app.example.com/hook?token=abc#x", signer: nil)
        #expect(configuration.displayURL == "https://app.example.com/hook")
    }

    @Test("each mistake gets one message that names the key and what to do", arguments: [
        (#""unsigned": true"#, #""url" is required"#),
        (#""url": "ftp://x/y", "unsigned": true"#, "must start with https://"),
        (#""url": "https://a b/", "unsigned": true"#, "spaces or control characters"),
        (#""url": "${MISSING}/x", "unsigned": true"#, "uses ${MISSING}, which is not set"),
        (#""url": "${APP_URL", "unsigned": true"#, #"without its "}""#),
        (#""url": "https://a/""#, #""signing_key" is required"#),
        (#""url": "https://a/", "signing_key": "${SHORT}""#, "at least 32 bytes"),
        (#""url": "https://a/", "signing_key": "${KEY}", "unsigned": true"#, "not both"),
        (#""url": "https://a/", "unsigned": true, "signature_ttl_s": 10"#, "needs a \"signing_key\""),
        (#""url": "https://a/", "signing_key": "${KEY}", "signature_ttl_s": 0"#, "from 1 to 3600"),
        (#""url": "https://a/", "unsigned": true, "method": "GET""#, #""POST", "PUT" or "PATCH""#),
        (#""url": "https://a/", "unsigned": true, "headers": {"Idempotency-Key": "x"}"#, "must not set Idempotency-Key"),
        (#""url": "https://a/", "unsigned": true, "headers": {"Bad Name": "x"}"#, "not a valid HTTP header name"),
        (#""url": "https://a/", "unsigned": true, "headers": {"X": "a\nb"}"#, "line breaks"),
        (#""url": "https://a/", "unsigned": true, "concurrency": 0"#, "from 1 to 1000"),
        (#""url": "https://a/", "unsigned": true, "rate": {"requests": 10}"#, #"{"requests": 10, "period_ms": 1000}"#),
        (#""url": "https://a/", "unsigned": true, "max_result_bytes": 2000000"#, "from 0 to 1048576"),
        (#""url": "https://a/", "unsigned": true, "ca_bundle": "/nonexistent/ca.pem""#, "cannot be read"),
        (#""url": "https://a/", "unsigned": true, "command": ["x"]"#, #"unknown key "command""#),
    ])
    func mistakes(settings: String, expected: String) {
        let text = message(settings)
        #expect(text.contains(expected), "\(text)")
        #expect(text.hasPrefix(#"tick.json: handler "hook""#), "\(text)")
    }

    @Test("a secret from the environment never appears in an error message")
    func secretsStayOut() {
        let text = message(#""url": "https://a/?t=${APP_TOKEN}", "signing_key": "${SHORT}""#, environment: ["APP_TOKEN": "tok-123", "SHORT": "short-secret-value"])
        #expect(!text.contains("short-secret-value") && !text.contains("tok-123"), "\(text)")
    }
}
