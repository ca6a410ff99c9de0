import TickCore

/// The overview's "Last run": its age and trigger from the heartbeat, read in the same request as the queues
/// and the busiest flow keys.
extension DashboardResponder {
    /// Flow keys the overview shows at most (the busiest).
    static let overviewFlowKeys = 10

    /// The stats script, the heartbeat's `HGETALL` and the flow-keys script in one `/pipeline` request.
    static func queuesAndHeartbeat(_ queue: JobQueue, now: Int64) async throws(DashboardError)
        -> (stats: [QueueStats], heartbeat: JobQueue.Heartbeat, keys: [FlowKeyStats])
    {
        let replies: [RedisValue]
        do throws(UpstashError) {
            replies = try await queue.client.pipeline(
                [queue.statsCommand(nowMilliseconds: now), queue.heartbeatCommand, queue.flowKeysCommand(limit: overviewFlowKeys)], idempotent: true)
        } catch {
            throw .redis(error)
        }
        guard replies.count == 3 else {
            throw .redis(.invalidConfiguration("the overview's pipeline answered \(replies.count) replies, expected 3: is the endpoint Upstash-compatible?"))
        }
        for (reply, name) in [(replies[0], "EVAL (stats)"), (replies[2], "EVAL (flow keys)")] {
            if case .error(let message) = reply {
                throw .redis(.redis(host: queue.client.configuration.host, command: name, message: message, status: 200))
            }
        }
        return (JobQueue.decodeStats(replies[0]), JobQueue.Heartbeat(reply: replies[1]), JobQueue.decodeFlowKeys(replies[2]).keys)
    }

    /// The template values of "Last run": red (`late`) past ``DashboardConfiguration/maxSilenceSeconds``.
    func lastRunValues(_ heartbeat: JobQueue.Heartbeat, now: Int64) -> [String: Any] {
        let limit = configuration.maxSilenceSeconds
        let limitText = "\(DashboardFormat.decimal(limit, places: 0)) s"
        guard let last = heartbeat.last, let age = heartbeat.age(nowMilliseconds: now) else {
            return ["lastRunClass": "late", "lastRunAge": "never", "lastRunAgeSeconds": "", "lastRunTrigger": false, "lastRunUTC": false, "lastRunLimit": limitText]
        }
        return [
            "lastRunClass": age > limit ? "late" : "fresh", "lastRunAge": DashboardFormat.age(milliseconds: last, now: now),
            "lastRunAgeSeconds": "\(Int(age))", "lastRunTrigger": heartbeat.lastTrigger ?? "?",
            "lastRunUTC": DashboardFormat.utc(milliseconds: last), "lastRunLimit": limitText,
        ]
    }
}
