import TickCore

/// The overview's "Last run": its age and trigger from the heartbeat, read in the same request as the queues.
extension DashboardResponder {
    /// The stats script and the heartbeat's `HGETALL` in one `/pipeline` request.
    static func queuesAndHeartbeat(_ queue: JobQueue, now: Int64) async throws(DashboardError) -> ([QueueStats], JobQueue.Heartbeat) {
        let replies: [RedisValue]
        do throws(UpstashError) {
            replies = try await queue.client.pipeline([queue.statsCommand(nowMilliseconds: now), queue.heartbeatCommand], idempotent: true)
        } catch {
            throw .redis(error)
        }
        guard replies.count == 2 else {
            throw .redis(.invalidConfiguration("the overview's pipeline answered \(replies.count) replies, expected 2: is the endpoint Upstash-compatible?"))
        }
        if case .error(let message) = replies[0] {
            throw .redis(.redis(host: queue.client.configuration.host, command: "EVAL (stats)", message: message, status: 200))
        }
        return (JobQueue.decodeStats(replies[0]), JobQueue.Heartbeat(reply: replies[1]))
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
