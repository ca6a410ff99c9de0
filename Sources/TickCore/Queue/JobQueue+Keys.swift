/// The busiest flow keys (docs/flow-control.md): `tick stats --keys` and the dashboard's overview.
extension JobQueue {
    /// Flow keys read per queue and handler at most (from its turns and its parked keys each), and leased jobs
    /// per queue: a bound on the script's work whatever the backlog.
    public static let flowKeyScanLimit = 1_000

    /// The busiest flow keys of every queue and handler, in one request: waiting jobs (the key's ready set),
    /// running jobs (leased jobs whose `flow` is the key) and whether the key is parked by a limit.
    /// - Parameter limit: rows at most, busiest (running plus waiting) first.
    /// - Returns: the rows, and how many keys there were in all.
    public func flowKeys(limit: Int) async throws(UpstashError) -> (keys: [FlowKeyStats], total: Int) {
        let reply = try await client.eval(
            Self.flowKeysScript, arguments: [RedisArgument(prefix), RedisArgument(max(0, limit))], idempotent: true)
        return Self.decodeFlowKeys(reply)
    }

    /// The `EVAL` of the flow-keys script as a command, for callers that send it together with other commands in
    /// one `/pipeline` request (the dashboard's overview); decode its reply with ``decodeFlowKeys(_:)``.
    public func flowKeysCommand(limit: Int) -> RedisCommand {
        RedisCommand("EVAL", arguments: [RedisArgument(Self.flowKeysScript.source), RedisArgument(0), RedisArgument(prefix), RedisArgument(max(0, limit))])
    }

    /// The flow-keys script's reply as rows and the number of keys in all.
    public static func decodeFlowKeys(_ reply: RedisValue) -> (keys: [FlowKeyStats], total: Int) {
        guard let parts = reply.array, parts.count == 2 else { return ([], 0) }
        let rows: [FlowKeyStats] = (parts[1].array ?? []).compactMap { row in
            guard let f = row.array, f.count == 6, let queue = f[0].string, let handler = f[1].string, let key = f[2].string else { return nil }
            let parked = f[5].string.flatMap { Double($0) }.map { Int64($0) }  // '' when not parked
            return FlowKeyStats(queue: queue, handler: handler, key: key, waiting: f[3].int ?? 0, running: f[4].int ?? 0, parkedUntil: parked)
        }
        return (rows, parts[0].int ?? rows.count)
    }

    /// ARGV: prefix, limit. For each queue and handler, the keys with ready jobs (its turns and its parked keys,
    /// ``flowKeyScanLimit`` of each at most) and the leased jobs' `flow` (the first ``flowKeyScanLimit``).
    /// Returns `{ total keys, { {queue, handler, key, waiting, running, parked until ms or ''}, ... } }`, sorted by
    /// running plus waiting, descending, then by queue, handler and key; at most limit rows.
    static let flowKeysScript = QueueScripts.script(
        """
        local limit = tonumber(ARGV[2])
        local rows, index = {}, {}
        local function row(q, h, k)
          local name = q .. '\\n' .. h .. '\\n' .. k
          local r = index[name]
          if not r then
            r = {q, h, k, 0, 0, ''}
            index[name] = r
            rows[#rows + 1] = r
          end
          return r
        end
        for _, q in ipairs(redis.call('SMEMBERS', queues_key)) do
          for _, h in ipairs(redis.call('SMEMBERS', handlers_key(q))) do
            for _, k in ipairs(redis.call('ZRANGE', keys_key(q, h), 0, \(flowKeyScanLimit - 1))) do
              row(q, h, k)[4] = redis.call('ZCARD', kready_key(q, h, k))
            end
            local parked = redis.call('ZRANGE', parked_key(q, h), 0, \(flowKeyScanLimit - 1), 'WITHSCORES')
            for i = 1, #parked, 2 do
              local r = row(q, h, parked[i])
              r[4] = redis.call('ZCARD', kready_key(q, h, parked[i]))
              r[6] = parked[i + 1]
            end
          end
          for _, id in ipairs(redis.call('ZRANGE', leased_key(q), 0, \(flowKeyScanLimit - 1))) do
            local f = redis.call('HMGET', job_key(id), 'flow', 'handler')
            if f[1] and f[2] then
              local r = row(q, f[2], f[1])
              r[5] = r[5] + 1
            end
          end
        end
        table.sort(rows, function(a, b)
          if a[4] + a[5] ~= b[4] + b[5] then return a[4] + a[5] > b[4] + b[5] end
          if a[1] ~= b[1] then return a[1] < b[1] end
          if a[2] ~= b[2] then return a[2] < b[2] end
          return a[3] < b[3]
        end)
        local out = {}
        for i = 1, math.min(limit, #rows) do out[i] = rows[i] end
        return {#rows, out}
        """)
}

/// One flow key of one queue and handler: its jobs waiting and running, and whether a limit parks it.
public struct FlowKeyStats: Sendable, Hashable, Codable {
    /// The queue.
    public var queue: String
    /// The handler whose jobs carry the key.
    public var handler: String
    /// The key (a job's `concurrency_key`, else its `rate_key`).
    public var key: String
    /// Ready jobs with the key, waiting for their turn.
    public var waiting: Int
    /// Leased jobs with the key (the first ``JobQueue/flowKeyScanLimit`` leased jobs of the queue looked at).
    public var running: Int
    /// When a parked key is looked at again (Unix ms), at the latest: a key parked by its concurrency limit comes
    /// back as soon as one of its running jobs ends. `nil` when the key is not parked.
    public var parkedUntil: Int64?

    /// A row.
    public init(queue: String, handler: String, key: String, waiting: Int, running: Int, parkedUntil: Int64? = nil) {
        self.queue = queue
        self.handler = handler
        self.key = key
        self.waiting = waiting
        self.running = running
        self.parkedUntil = parkedUntil
    }
}
