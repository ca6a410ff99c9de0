extension JobQueue {
    /// The last slot enqueued per schedule name (Unix milliseconds), from `<prefix>:schedules`, in one request.
    public func lastScheduledSlots() async throws(UpstashError) -> [String: Int64] {
        let reply = try await client.send(RedisCommand("HGETALL", RedisArgument(keys.schedules)), idempotent: true)
        let flat = reply.array ?? []
        var slots: [String: Int64] = [:]
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            if let name = flat[index].string, let slot = flat[index + 1].string.flatMap({ Int64($0) }) { slots[name] = slot }
        }
        return slots
    }
}
