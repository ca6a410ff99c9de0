/// Reads for watchers that must stay cheap (`tick serve`'s `/healthz?max_silence=` and `/metrics`, the dashboard):
/// the heartbeat alone, and everything `/metrics` shows in one `/pipeline` request.
extension JobQueue {
    /// Everything one scrape shows: counts per queue, the heartbeat and the counters.
    public struct Scrape: Sendable, Equatable {
        public var stats: [QueueStats]
        public var heartbeat: Heartbeat
        public var metrics: RunMetrics

        /// A scrape of these values.
        public init(stats: [QueueStats], heartbeat: Heartbeat, metrics: RunMetrics) {
            self.stats = stats
            self.heartbeat = heartbeat
            self.metrics = metrics
        }
    }

    /// `HGETALL` of the heartbeat hash, for callers that pipeline it with other commands; decode its reply with
    /// ``Heartbeat/init(reply:)``.
    public var heartbeatCommand: RedisCommand { RedisCommand("HGETALL", RedisArgument(keys.heartbeat)) }

    /// `HGETALL` of the counters hash; decode its reply with ``RunMetrics/init(reply:)``.
    public var metricsCommand: RedisCommand { RedisCommand("HGETALL", RedisArgument(keys.metrics)) }

    /// The heartbeat alone: one request of one command.
    public func heartbeat() async throws(UpstashError) -> Heartbeat {
        Heartbeat(reply: try await client.send(heartbeatCommand))
    }

    /// The stats script, the heartbeat and the counters in one request (a pipeline of three commands).
    public func scrape(nowMilliseconds: Int64) async throws(UpstashError) -> Scrape {
        let replies = try await client.pipeline([statsCommand(nowMilliseconds: nowMilliseconds), heartbeatCommand, metricsCommand], idempotent: true)
        let host = client.configuration.host
        guard replies.count == 3 else {
            throw UpstashError.protocolError(host: host, detail: "the scrape pipeline answered \(replies.count) replies, expected 3", status: nil)
        }
        for (reply, command) in zip(replies, ["EVAL (stats)", "HGETALL heartbeat", "HGETALL metrics"]) {
            if case .error(let message) = reply { throw UpstashError.redis(host: host, command: command, message: message, status: 200) }
        }
        return Scrape(stats: Self.decodeStats(replies[0]), heartbeat: Heartbeat(reply: replies[1]), metrics: RunMetrics(reply: replies[2]))
    }

    /// An `HGETALL` reply as a dictionary (empty for a missing key or an unexpected reply).
    static func hashFields(_ value: RedisValue) -> [String: String] {
        let flat = value.array ?? []
        var out: [String: String] = [:]
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            if let key = flat[index].string { out[key] = flat[index + 1].string ?? "" }
        }
        return out
    }
}

extension JobQueue.Heartbeat {
    /// The heartbeat from the reply of ``JobQueue/heartbeatCommand``.
    public init(reply: RedisValue) {
        let beat = JobQueue.hashFields(reply)
        self.init(
            last: beat["last"].flatMap { Int64($0) }, lastTrigger: beat["last_trigger"],
            byTrigger: beat.filter { $0.key != "last" && $0.key != "last_trigger" }.compactMapValues { Int64($0) })
    }
}

extension RunMetrics {
    /// The counters from the reply of ``JobQueue/metricsCommand``.
    public init(reply: RedisValue) { self.init(counters: JobQueue.hashFields(reply).compactMapValues { Int64($0) }) }
}
