import Testing

@testable import TickCore

@Suite("Upstash configuration and retry policy")
struct UpstashConfigurationTests {
    @Test("the environment is read, trailing slashes trimmed, and the token kept secret")
    func readsEnvironment() throws {
        let configuration = try UpstashConfiguration(environment: [
            "UPSTASH_REDIS_REST_URL": "https://eu1-example.upstash.io/",
            "UPSTASH_REDIS_REST_TOKEN": "AXXXsecret-token",
        ])
        #expect(configuration.url == "https://eu1-example.upstash.io")
        #expect(configuration.host == "eu1-example.upstash.io")
        #expect(!"\(configuration)".contains("secret-token"))
        #expect(!String(reflecting: configuration).contains("secret-token"))
    }

    @Test("missing or malformed variables name the variable and exit with the config code")
    func rejectsBadEnvironment() {
        let cases: [([String: String], String)] = [
            ([:], "UPSTASH_REDIS_REST_URL is not set"),
            (["UPSTASH_REDIS_REST_URL": "https://x.upstash.io"], "UPSTASH_REDIS_REST_TOKEN is not set"),
            (["UPSTASH_REDIS_REST_URL": "redis://x:6379", "UPSTASH_REDIS_REST_TOKEN": "t"], "is not an http(s) URL"),
        ]
        for (environment, expected) in cases {
            do {
                _ = try UpstashConfiguration(environment: environment)
                Issue.record("accepted \(environment)")
            } catch {
                #expect(error.description.contains(expected))
                #expect(error.exitCode == .config)
            }
        }
    }

    @Test("backoff is jittered within a doubling, capped ceiling")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(50), maxDelay: .milliseconds(300))
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            #expect(policy.delay(after: 1, using: &random) <= .milliseconds(50))
            #expect(policy.delay(after: 2, using: &random) <= .milliseconds(100))
            #expect(policy.delay(after: 9, using: &random) <= .milliseconds(300))
        }
        let late = (0..<200).map { _ in policy.delay(after: 9, using: &random) }
        #expect(late.contains { $0 > .milliseconds(150) }, "jitter should spread over the whole capped range")
    }

    @Test("Retry-After in seconds is honoured and capped; an HTTP date is ignored")
    func retryAfter() {
        #expect(UpstashClient.retryAfter("2", cap: .seconds(5)) == .seconds(2))
        #expect(UpstashClient.retryAfter("120", cap: .seconds(5)) == .seconds(5))
        #expect(UpstashClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", cap: .seconds(5)) == nil)
        #expect(UpstashClient.retryAfter(nil, cap: .seconds(5)) == nil)
    }

    @Test("a secret is redacted from text and from its own description")
    func secretRedaction() {
        let secret = Secret("hunter2-password")
        #expect("\(secret)" == "***")
        #expect(secret.redact("FATAL: password hunter2-password is wrong") == "FATAL: password *** is wrong")
    }
}
