/// A client of the Upstash Redis REST API over libcurl: one command, pipelines, transactions and scripts.
///
/// One client keeps one curl handle, so all its requests share one keep-alive (and TLS) connection. It
/// sends `Upstash-Encoding: base64` so values are binary-safe, carries the `upstash-sync-token` of each
/// response to the next request (read-your-writes across replicas), counts the requests and billable
/// commands it sends (``usage``), and retries transient failures as its ``RetryPolicy`` allows, never past
/// the caller's deadline.
///
/// Requests are serialised by the actor, which runs on a thread of its own (``IOThread``): a request blocks
/// that thread while libcurl waits for the reply, never a thread of Swift's cooperative pool, so a slow
/// Redis does not stop the run's items, timers and deadlines.
public actor UpstashClient {
    private nonisolated let thread = IOThread()
    /// The client's own thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    /// Where and how this client connects.
    nonisolated public let configuration: UpstashConfiguration
    /// Requests and billable commands sent so far.
    public nonisolated var usage: RedisUsage { counters.usage }
    /// Read without a hop to the client's thread (a run reads it several times).
    private nonisolated let counters = RedisUsageMeter()

    private let handle: CurlEasyHandle
    private var syncToken: String?
    private var random = SystemRandomNumberGenerator()
    private let clock = ContinuousClock()

    /// Makes a client. No request is sent until the first command.
    /// - Throws: ``UpstashError`` if libcurl cannot be initialised.
    public init(configuration: UpstashConfiguration) throws(UpstashError) {
        self.configuration = configuration
        do { self.handle = try CurlEasyHandle() } catch {
            throw .protocolError(host: configuration.host, detail: error.message, status: nil)
        }
    }

    deinit { thread.close() }

    // MARK: - Request forms

    /// Sends one command (`POST /` with a JSON array) and returns its reply.
    ///
    /// When only the last argument is binary (not valid UTF-8), the command is sent path-style with that
    /// argument as the raw request body, which is byte-exact.
    /// - Parameters:
    ///   - command: the command.
    ///   - idempotent: whether the command may run twice if a reply is lost; `nil` infers it from the
    ///     command name (reads are idempotent).
    ///   - deadline: no attempt starts, and no attempt runs, past this instant.
    /// - Throws: ``UpstashError``; a Redis error reply is `isRedisError` with its ``UpstashError/redisMessage``.
    public func send(_ command: RedisCommand, idempotent: Bool? = nil, deadline: ContinuousClock.Instant? = nil) async throws(UpstashError) -> RedisValue {
        let idempotent = idempotent ?? command.isReadOnly
        let request: (path: String, body: [UInt8])
        switch UpstashWire.encode([command], nested: false) {
        case .success(let body):
            request = ("", body)
        case .failure(let invalid) where invalid.argument == command.arguments.count - 1:
            let path = command.arguments.dropLast().map { UpstashWire.pathSegment($0.bytes) }.joined(separator: "/")
            request = ("/" + path, command.arguments[invalid.argument].bytes)
        case .failure(let invalid):
            throw .unsupportedArgument("argument \(invalid.argument) of \(command.name) is not valid UTF-8: the Upstash REST API carries raw bytes only in a command's last argument; base64-encode the value")
        }
        let body = try await exchange(path: request.path, body: request.body, commands: 1, idempotent: idempotent, deadline: deadline)
        let value: RedisValue
        do { value = try UpstashWire.decodeEnvelope(body).value() } catch {
            throw .protocolError(host: configuration.host, detail: error.detail, status: 200)
        }
        return value
    }

    /// Sends commands in one `/pipeline` request. Not atomic: each command's reply, or its error
    /// (as ``RedisValue/error(_:)``), comes back in order.
    /// - Parameters:
    ///   - commands: the commands; an empty list sends nothing.
    ///   - idempotent: whether the whole pipeline may run twice if a reply is lost; `nil` infers it
    ///     (idempotent only if every command is a read).
    ///   - deadline: see ``send(_:idempotent:deadline:)``.
    public func pipeline(_ commands: [RedisCommand], idempotent: Bool? = nil, deadline: ContinuousClock.Instant? = nil) async throws(UpstashError) -> [RedisValue] {
        try await batch(commands, path: "/pipeline", idempotent: idempotent ?? commands.allSatisfy(\.isReadOnly), deadline: deadline)
    }

    /// Sends commands as one atomic `/multi-exec` transaction.
    ///
    /// If any command cannot be queued (syntax error, unknown command, oversize request), the whole
    /// transaction is discarded and this throws an error that `isTransactionAborted`. Errors of single
    /// commands at run time (such as `WRONGTYPE`) come back in place as ``RedisValue/error(_:)``.
    public func transaction(_ commands: [RedisCommand], idempotent: Bool? = nil, deadline: ContinuousClock.Instant? = nil) async throws(UpstashError) -> [RedisValue] {
        do {
            return try await batch(commands, path: "/multi-exec", idempotent: idempotent ?? commands.allSatisfy(\.isReadOnly), deadline: deadline)
        } catch where error.isRedisError {
            throw .transactionAborted(host: configuration.host, message: error.redisMessage ?? error.message, status: error.status ?? 400)
        }
    }

    /// Runs a Lua script with `EVAL`, sending its source (one request, works on every replica).
    public func eval(_ script: RedisScript, keys: [RedisArgument] = [], arguments: [RedisArgument] = [], idempotent: Bool = false, deadline: ContinuousClock.Instant? = nil) async throws(UpstashError) -> RedisValue {
        try await send(script.evalCommand(keys: keys, arguments: arguments), idempotent: idempotent, deadline: deadline)
    }

    /// Runs a Lua script with `EVALSHA`, and with `EVAL` (which also caches it) if Redis answers `NOSCRIPT`.
    ///
    /// Saves bandwidth for large scripts; costs two requests when the script is not cached (a fresh
    /// database, or an Upstash replica that has not seen it), so ``eval(_:keys:arguments:idempotent:deadline:)``
    /// is the better choice when every request counts.
    public func evalSHA(_ script: RedisScript, keys: [RedisArgument] = [], arguments: [RedisArgument] = [], idempotent: Bool = false, deadline: ContinuousClock.Instant? = nil) async throws(UpstashError) -> RedisValue {
        do {
            return try await send(RedisCommand("EVALSHA", arguments: [RedisArgument(script.sha1), RedisArgument(keys.count)] + keys + arguments), idempotent: idempotent, deadline: deadline)
        } catch where error.redisMessage?.hasPrefix("NOSCRIPT") == true {
            return try await eval(script, keys: keys, arguments: arguments, idempotent: idempotent, deadline: deadline)
        }
    }

    // MARK: - Exchange and retries

    private func batch(_ commands: [RedisCommand], path: String, idempotent: Bool, deadline: ContinuousClock.Instant?) async throws(UpstashError) -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        let body: [UInt8]
        switch UpstashWire.encode(commands, nested: true) {
        case .success(let encoded): body = encoded
        case .failure(let invalid):
            throw .unsupportedArgument("argument \(invalid.argument) of command \(invalid.command) (\(commands[invalid.command].name)) in a pipeline is not valid UTF-8: send binary values base64-encoded, or as the last argument of a single command")
        }
        let reply = try await exchange(path: path, body: body, commands: commands.count, idempotent: idempotent, deadline: deadline)
        do {
            let envelopes = try UpstashWire.decodeEnvelopes(reply)
            guard envelopes.count == commands.count else {
                throw UpstashWire.WireError(detail: "\(envelopes.count) replies for \(commands.count) commands")
            }
            var values: [RedisValue] = []
            values.reserveCapacity(envelopes.count)
            for envelope in envelopes { values.append(try envelope.value()) }
            return values
        } catch {
            // A whole-transaction failure is a single {"error"} object, even with HTTP 200 from some proxies.
            if let envelope = try? UpstashWire.decodeEnvelope(reply), let message = envelope.error {
                throw .redis(host: configuration.host, command: path == "/multi-exec" ? "the transaction" : "the pipeline", message: message, status: 200)
            }
            throw .protocolError(host: configuration.host, detail: (error as? UpstashWire.WireError)?.detail ?? "\(error)", status: 200)
        }
    }

    /// Sends one request, retrying as the policy allows; returns the body of a 200 reply.
    private func exchange(path: String, body: [UInt8], commands: Int, idempotent: Bool, deadline: ContinuousClock.Instant?) async throws(UpstashError) -> [UInt8] {
        let policy = configuration.retry
        let host = configuration.host
        var attempt = 0
        while true {
            attempt += 1
            let timeout = try attemptTimeout(deadline: deadline, attempt: attempt)
            var headers = [
                "Authorization: Bearer \(configuration.token.revealed)",
                "Content-Type: application/json",
                "Upstash-Encoding: base64",
            ]
            if let syncToken { headers.append("upstash-sync-token: \(syncToken)") }
            let request = HTTPRequest(method: .post, url: configuration.url + path, headers: headers, body: body, connectTimeout: min(configuration.connectTimeout, timeout), totalTimeout: timeout)
            // The client's total, and the run's own count (``RedisUsageMeter/current``) when the caller has one.
            counters.request(commands: commands, bytesSent: body.count)
            RedisUsageMeter.current?.request(commands: commands, bytesSent: body.count)

            let failure: UpstashError
            var retryable: Bool
            var retryAfter: Duration?
            do {
                let response = try handle.perform(request)
                counters.received(response.body.count)
                RedisUsageMeter.current?.received(response.body.count)
                if let token = response.headers["upstash-sync-token"], !token.isEmpty { syncToken = token }
                switch response.status {
                case 200:
                    return response.body
                case 401, 403:
                    throw UpstashError.unauthorized(host: host)
                case 400:
                    let message = (try? UpstashWire.decodeEnvelope(response.body))?.error ?? UpstashWire.preview(response.body)
                    throw UpstashError.redis(host: host, command: commands == 1 && path.isEmpty ? "the command" : "the request", message: message, status: 400)
                case 429:
                    failure = .server(host: host, status: 429, detail: errorText(response.body), attempts: attempt)
                    retryable = true  // the server did not run the request
                    retryAfter = Self.retryAfter(response.headers["retry-after"], cap: policy.maxRetryAfter)
                case 500...599:
                    failure = .server(host: host, status: response.status, detail: errorText(response.body), attempts: attempt)
                    retryable = idempotent
                    retryAfter = Self.retryAfter(response.headers["retry-after"], cap: policy.maxRetryAfter)
                default:
                    throw UpstashError.protocolError(host: host, detail: "HTTP \(response.status) \(UpstashWire.preview(response.body))", status: response.status)
                }
            } catch let error as TransportError {
                switch error.kind {
                case .notSent:
                    failure = .unreachable(host: host, detail: error.message, attempts: attempt)
                    retryable = true
                case .timedOut:
                    failure = .timedOut(host: host, after: timeout, attempts: attempt)
                    retryable = idempotent
                case .replyLost:
                    failure = .unreachable(host: host, detail: error.message, attempts: attempt)
                    retryable = idempotent
                case .local:
                    throw .protocolError(host: host, detail: error.message, status: nil)
                }
            } catch let error as UpstashError {
                throw error
            } catch {
                throw .protocolError(host: host, detail: "\(error)", status: nil)
            }

            guard retryable, attempt < policy.maxAttempts else { throw failure }
            let delay = retryAfter ?? policy.delay(after: attempt, using: &random)
            if let deadline, clock.now.advanced(by: delay + Self.minimumAttempt) >= deadline { throw failure }
            do { try await Task.sleep(for: delay) } catch { throw failure }
        }
    }

    /// The shortest time worth starting an attempt with.
    private static let minimumAttempt: Duration = .milliseconds(20)

    private func attemptTimeout(deadline: ContinuousClock.Instant?, attempt: Int) throws(UpstashError) -> Duration {
        guard let deadline else { return configuration.requestTimeout }
        let remaining = clock.now.duration(to: deadline)
        guard remaining >= Self.minimumAttempt else {
            throw .timedOut(host: configuration.host, after: .zero, attempts: attempt - 1)
        }
        return min(configuration.requestTimeout, remaining)
    }

    private func errorText(_ body: [UInt8]) -> String {
        (try? UpstashWire.decodeEnvelope(body))?.error ?? String(UpstashWire.preview(body).prefix(80))
    }

    /// `Retry-After` in seconds (an HTTP date is treated as absent), capped.
    static func retryAfter(_ header: String?, cap: Duration) -> Duration? {
        guard let header, let seconds = Double(header.trimmingCharacters(in: " ")), seconds >= 0 else { return nil }
        return min(.milliseconds(Int64(seconds * 1000)), cap)
    }
}

extension RedisCommand {
    /// Commands that only read, so running them twice is harmless.
    private static let readOnly: Set<String> = [
        "GET", "MGET", "STRLEN", "EXISTS", "TTL", "PTTL", "TYPE", "HGET", "HMGET", "HGETALL", "HLEN", "HEXISTS",
        "HKEYS", "HVALS", "LLEN", "LRANGE", "LINDEX", "SCARD", "SMEMBERS", "SISMEMBER", "ZCARD", "ZCOUNT", "ZSCORE",
        "ZRANGE", "ZRANGEBYSCORE", "ZREVRANGE", "ZREVRANGEBYSCORE", "ZRANK", "ZREVRANK", "SCAN", "HSCAN", "ZSCAN",
        "SSCAN", "PING", "ECHO", "DBSIZE", "INFO", "TIME", "EVAL_RO", "EVALSHA_RO", "SCRIPT", "XLEN", "XRANGE",
    ]

    /// Whether the command only reads.
    var isReadOnly: Bool { Self.readOnly.contains(name) }
}
