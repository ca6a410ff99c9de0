/// A Redis reply (RESP2), copied out of hiredis so it outlives the `redisReply` tree.
public enum RESPValue: Sendable, Hashable {
    /// A bulk string: arbitrary bytes, not necessarily UTF-8.
    case bulkString([UInt8])
    /// A simple status string such as `OK` or `QUEUED`.
    case status([UInt8])
    /// An integer reply.
    case integer(Int64)
    /// A nil bulk string or nil array.
    case null
    /// An array reply; elements may be nested arrays.
    case array([RESPValue])
    /// An error reply, e.g. `WRONGTYPE Operation against a key holding the wrong kind of value`.
    case error(String)

    /// The error text when this is an error reply, otherwise `nil`.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}
