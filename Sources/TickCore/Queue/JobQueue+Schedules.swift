extension JobQueue {
    /// The last slot enqueued per schedule name (Unix milliseconds), from `<prefix>:schedules`, in one request.
    public func lastScheduledSlots() async throws(UpstashError) -> [String: Int64] {
        Self.hashFields(try await client.send(RedisCommand("HGETALL", RedisArgument(keys.schedules)), idempotent: true)).compactMapValues { Int64($0) }
    }
}
