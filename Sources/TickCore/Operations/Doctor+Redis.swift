/// The Redis checks, in one request: the token, the eviction policy, and the queue counts for the queue checks.
extension Doctor {
    /// One request: `/pipeline` with `CONFIG GET maxmemory-policy` and the stats script. Checks the token,
    /// the eviction policy where it can be read, and returns the queue counts.
    mutating func checkRedis(_ configuration: UpstashConfiguration) async -> [QueueStats]? {
        let client: UpstashClient
        do { client = try UpstashClient(configuration: configuration) } catch {
            add("redis.token", .error, error.description)
            return nil
        }
        let queue = JobQueue(client: client, prefix: prefix)
        let host = Self.hostWithoutUserInfo(configuration.host)
        let clock = ContinuousClock()
        let start = clock.now
        var replies: [RedisValue] = []
        var pipelineRefused = false
        do {
            replies = try await client.pipeline(
                [
                    RedisCommand("CONFIG", "GET", "maxmemory-policy"), queue.statsCommand(nowMilliseconds: UnixTime.nowMilliseconds()),
                    queue.heartbeatCommand,
                ], idempotent: true)
        } catch {
            if error.isRedisError {
                pipelineRefused = true
            } else {
                add("redis.token", .error, error.description)
                await countUsage(client)
                return nil
            }
        }
        var stats: [QueueStats]?
        if pipelineRefused {
            // The endpoint refused the pipeline as a whole (CONFIG not allowed in it): the stats alone.
            do {
                stats = try await queue.stats(nowMilliseconds: UnixTime.nowMilliseconds())
            } catch {
                add("redis.token", .error, error.description)
                await countUsage(client)
                return nil
            }
            replies = [.error("CONFIG refused"), .null, .null]
        }
        let elapsed = start.duration(to: clock.now).shortMilliseconds
        await countUsage(client)

        let statsReply = replies.count > 1 ? replies[1] : .null
        if case .error(let message) = statsReply, !pipelineRefused {
            let upper = message.uppercased()
            if upper.contains("NOPERM") || upper.contains("READONLY") || upper.contains("READ-ONLY") || upper.contains("READ ONLY") {
                add("redis.token", .error, "\(host) accepted the token but refused the stats script (\(message)): use the standard token, not the read-only one")
            } else {
                add("redis.token", .ok, "token accepted by \(host) in \(elapsed)")
                add("redis.stats", .error, "Redis at \(host) rejected the stats script: \(message)")
            }
        } else {
            add("redis.token", .ok, "token accepted by \(host) in \(elapsed)")
            if stats == nil { stats = JobQueue.decodeStats(statsReply) }
        }
        checkEviction(replies.first ?? .null)
        if replies.count > 2, !pipelineRefused { checkHeartbeat(JobQueue.Heartbeat(reply: replies[2])) }
        return stats
    }

    mutating func checkEviction(_ reply: RedisValue) {
        let unreadable = "maxmemory-policy cannot be read (Upstash does not expose CONFIG): in the Upstash console keep Eviction disabled "
            + "(Configuration → Eviction; off by default), or a full database drops jobs"
        guard let fields = reply.array, fields.count >= 2, let policy = fields[1].string, !policy.isEmpty else {
            add("redis.eviction", .ok, unreadable)
            return
        }
        if policy == "noeviction" {
            add("redis.eviction", .ok, "maxmemory-policy is noeviction: a full database refuses writes instead of dropping jobs")
        } else {
            add(
                "redis.eviction", .warning,
                "maxmemory-policy is \(policy): when memory is full Redis evicts keys and queued jobs are lost; set it to noeviction "
                    + "(CONFIG SET maxmemory-policy noeviction and in redis.conf; on Upstash disable Eviction in the console)")
        }
    }
}
