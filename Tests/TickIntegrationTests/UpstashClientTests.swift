import Foundation
import Testing
import TickCore

/// The libcurl client against the real REST gateway in front of a real redis-server.
@Suite("Upstash client against the gateway", .serialized)
struct UpstashClientTests {
    let client: UpstashClient
    let prefix = "tick-test:\(UInt32.random(in: 0...UInt32.max)):"

    init() throws {
        client = try UpstashClient(configuration: UpstashConfiguration(url: TestEnvironment.restURL(), token: Secret(TestEnvironment.restToken())))
    }

    @Test("one command: SET, GET, INCR, a missing key is null, and each request is counted")
    func singleCommand() async throws {
        let key = RedisArgument(prefix + "single")
        #expect(try await client.send(RedisCommand("SET", key, "héllo ✓")).string == "OK")
        #expect(try await client.send(RedisCommand("GET", key)).string == "héllo ✓")
        #expect(try await client.send(RedisCommand("GET", RedisArgument(prefix + "absent"))) == .null)
        #expect(try await client.send(RedisCommand("INCR", RedisArgument(prefix + "n"))) == .integer(1))
        let usage = client.usage
        #expect(usage.requests == 4 && usage.commands == 4)
        #expect(usage.bytesSent > 0 && usage.bytesReceived > 0, "bodies counted both ways: \(usage)")
        _ = try await client.send(RedisCommand("DEL", key, RedisArgument(prefix + "n")))
    }

    @Test("binary values round-trip byte-exact: NUL bytes, invalid UTF-8, every byte value")
    func binaryRoundTrip() async throws {
        let key = RedisArgument(prefix + "binary")
        let values: [[UInt8]] = [[0x00, 0xFF, 0xFE, 0x00, 0x41], Array(0...255), [0xC3, 0x28], Array("plain".utf8) + [0]]
        for value in values {
            _ = try await client.send(RedisCommand("SET", key, RedisArgument(bytes: value)))
            #expect(try await client.send(RedisCommand("GET", key)) == .bytes(value))
        }
        await #expect(throws: UpstashError.self) {
            _ = try await client.send(RedisCommand("SET", RedisArgument(bytes: [0xFF]), "v"))
        }
        _ = try await client.send(RedisCommand("DEL", key))
    }

    @Test("a pipeline returns each reply in order, a failing command in place, and counts k commands in one request")
    func pipeline() async throws {
        let list = RedisArgument(prefix + "list")
        let before = client.usage
        let replies = try await client.pipeline([
            RedisCommand("RPUSH", list, "a", "b", "c"),
            RedisCommand("LRANGE", list, 0, -1),
            RedisCommand("HGET", list, "field"),  // WRONGTYPE
            RedisCommand("LLEN", list),
        ])
        #expect(replies.count == 4)
        #expect(replies[0] == .integer(3))
        #expect(replies[1].array?.compactMap(\.string) == ["a", "b", "c"])
        #expect(replies[2].errorMessage?.hasPrefix("WRONGTYPE") == true)
        #expect(replies[3] == .integer(3))
        let used = client.usage.since(before)
        #expect(used.requests == 1 && used.commands == 4)
        _ = try await client.send(RedisCommand("DEL", list))
    }

    @Test("a transaction is atomic; a command that cannot be queued discards the whole transaction")
    func transaction() async throws {
        let key = RedisArgument(prefix + "tx")
        let replies = try await client.transaction([RedisCommand("SET", key, "1"), RedisCommand("INCRBY", key, 41), RedisCommand("GET", key)])
        #expect(replies.map(\.string) == ["OK", "42", "42"])
        do {
            _ = try await client.transaction([RedisCommand("SET", key, "changed"), RedisCommand("NOSUCHCOMMAND", key)])
            Issue.record("a transaction with an unknown command was applied")
        } catch {
            #expect(error.isTransactionAborted)
            #expect(error.exitCode == .redisError)
        }
        #expect(try await client.send(RedisCommand("GET", key)).string == "42", "nothing of the discarded transaction may be applied")
        _ = try await client.send(RedisCommand("DEL", key))
    }

    @Test("EVAL runs a script with keys and arguments; EVALSHA falls back to EVAL on NOSCRIPT, then hits the cache")
    func scripts() async throws {
        let script = RedisScript("redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('GET', KEYS[1]), tonumber(ARGV[2]) + 1, '\(prefix)'}")
        let key = RedisArgument(prefix + "script")
        let viaEval = try await client.eval(script, keys: [key], arguments: ["v1", 41])
        #expect(viaEval.array?.count == 3)
        #expect(viaEval.array?.first?.string == "v1")
        #expect(viaEval.array?[1] == .integer(42))
        _ = try await client.send(RedisCommand("SCRIPT", "FLUSH"))
        let before = client.usage
        let viaSHA = try await client.evalSHA(script, keys: [key], arguments: ["v2", 1])
        #expect(viaSHA.array?.first?.string == "v2")
        #expect(client.usage.since(before).requests == 2, "NOSCRIPT, then EVAL")
        let again = client.usage
        _ = try await client.evalSHA(script, keys: [key], arguments: ["v3", 1])
        #expect(client.usage.since(again).requests == 1, "the script is cached now")
        // Our SHA-1 names the script as Redis does.
        #expect(try await client.send(RedisCommand("SCRIPT", "LOAD", RedisArgument(script.source))).string == script.sha1)
        _ = try await client.send(RedisCommand("DEL", key))
    }

    @Test("a Redis error on one command is a redis error with Redis's text, and is not retried")
    func redisError() async throws {
        let key = RedisArgument(prefix + "str")
        _ = try await client.send(RedisCommand("SET", key, "x"))
        let before = client.usage
        do {
            _ = try await client.send(RedisCommand("LPUSH", key, "y"))
            Issue.record("WRONGTYPE was not reported")
        } catch {
            #expect(error.isRedisError)
            #expect(error.redisMessage?.hasPrefix("WRONGTYPE") == true)
            #expect(error.exitCode == .redisError)
        }
        #expect(client.usage.since(before).requests == 1)
        _ = try await client.send(RedisCommand("DEL", key))
    }

    @Test("a wrong token is a 401 that names the variable, never retried, never echoing the token")
    func wrongToken() async throws {
        let bad = try UpstashClient(configuration: UpstashConfiguration(url: TestEnvironment.restURL(), token: Secret("wrong-token-value")))
        do {
            _ = try await bad.send(RedisCommand("PING"))
            Issue.record("a wrong token was accepted")
        } catch {
            #expect(error.isUnauthorized)
            #expect(error.exitCode == .redisAuth)
            #expect(error.description.contains("UPSTASH_REDIS_REST_TOKEN"))
            #expect(error.description.contains("401"))
            #expect(!error.description.contains("wrong-token-value"))
        }
        #expect(bad.usage.requests == 1)
    }
}

/// Transient failures, injected by a scripted loopback server: what is retried, what is not, and within
/// which bounds.
@Suite("Upstash client retries")
struct UpstashRetryTests {
    func client(_ server: ScriptedHTTPServer, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5))) throws -> UpstashClient {
        try UpstashClient(configuration: UpstashConfiguration(url: server.url, token: Secret("t0ken"), requestTimeout: .seconds(2), retry: retry))
    }

    @Test("503 and 429 are retried for a read, and the reply after them is returned")
    func retriesTransientFailures() async throws {
        let server = try ScriptedHTTPServer(replies: [
            .status(503, body: #"{"error":"unavailable"}"#),
            .status(429, body: #"{"error":"ERR max requests limit exceeded"}"#, headers: ["Retry-After: 0"]),
            .status(200, body: #"{"result":"UE9ORw=="}"#),
        ])
        defer { server.stop() }
        let client = try client(server)
        #expect(try await client.send(RedisCommand("PING")).string == "PONG")
        #expect(server.requests == 3)
        let usage = client.usage
        #expect(usage.requests == 3 && usage.commands == 3)
    }

    @Test("a lost reply (dropped connection, 5xx) is not retried for a write that may have run")
    func doesNotRetryUnsafeWrites() async throws {
        let server = try ScriptedHTTPServer(replies: [.drop, .status(200, body: #"{"result":"OK"}"#)])
        defer { server.stop() }
        let client = try client(server)
        await #expect(throws: UpstashError.self) { _ = try await client.send(RedisCommand("INCR", "k")) }
        #expect(server.requests == 1)
        // ...but a write marked idempotent is retried.
        let second = try ScriptedHTTPServer(replies: [.status(502, body: "bad gateway"), .status(200, body: #"{"result":"OK"}"#)])
        defer { second.stop() }
        let retrying = try self.client(second)
        #expect(try await retrying.send(RedisCommand("SET", "k", "v"), idempotent: true).string == "OK")
        #expect(second.requests == 2)
    }

    @Test("401 and 400 are never retried")
    func neverRetriesClientErrors() async throws {
        let server = try ScriptedHTTPServer(replies: [.status(401, body: #"{"error":"Unauthorized"}"#), .status(400, body: #"{"error":"ERR syntax"}"#)])
        defer { server.stop() }
        let client = try client(server)
        await #expect(throws: UpstashError.self) { _ = try await client.send(RedisCommand("GET", "k")) }
        await #expect(throws: UpstashError.self) { _ = try await client.send(RedisCommand("GET", "k")) }
        #expect(server.requests == 2)
    }

    @Test("a stalled server times out within the caller's deadline, not the request timeout")
    func deadlineBoundsTimeout() async throws {
        let server = try ScriptedHTTPServer(replies: [.stall(seconds: 20)])
        defer { server.stop() }
        let client = try client(server, retry: .never)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await client.send(RedisCommand("GET", "k"), deadline: start.advanced(by: .milliseconds(300)))
            Issue.record("a stalled request succeeded")
        } catch {
            #expect(error.isUnavailable)
            #expect(error.exitCode == .redisUnavailable)
        }
        // The request ends at 300 ms on the client's own thread; the margin is for this task to be resumed in a
        // test process running hundreds of tests on one thread per core. Without the deadline it would wait 20 s.
        #expect(start.duration(to: clock.now) < .seconds(5))
    }

    @Test("connection refused is retried (nothing was sent), then reported as unreachable with the host")
    func refused() async throws {
        try await ScriptedHTTPServer.withRefusingPort { port in
            let client = try UpstashClient(configuration: UpstashConfiguration(url: "http://127.0.0.1:\(port)", token: Secret("t"), retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1))))
            do {
                _ = try await client.send(RedisCommand("SET", "k", "v"))
                Issue.record("a closed port answered")
            } catch let error as UpstashError {
                #expect(error.isUnavailable)
                #expect(error.description.contains("could not reach Upstash at 127.0.0.1:"))
                #expect(error.description.contains("after 3 attempts"))
            }
            #expect(client.usage.requests == 3)
        }
    }

    @Test("the upstash-sync-token of a response is sent on the next request")
    func carriesSyncToken() async throws {
        let server = try ScriptedHTTPServer(replies: [
            .status(200, body: #"{"result":"OK"}"#, headers: ["upstash-sync-token: sync-1"]),
            .status(200, body: #"{"result":"OK"}"#),
        ])
        defer { server.stop() }
        let client = try client(server)
        _ = try await client.send(RedisCommand("SET", "k", "v"))
        _ = try await client.send(RedisCommand("SET", "k", "v"))
        #expect(server.lastHeaders.contains("upstash-sync-token: sync-1"))
    }
}
