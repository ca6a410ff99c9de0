/// Which commands the gateway refuses to run over REST, as Upstash does.
///
/// Every request borrows a pooled Redis connection for one exchange, so a command that blocks the
/// connection (BLPOP, blocking XREAD, ...) or changes its state for later borrowers (MULTI, WATCH,
/// SELECT, SUBSCRIBE, CLIENT REPLY, HELLO switching to RESP3, ...) cannot be served. Transactions are
/// available through `/multi-exec` instead.
enum CommandPolicy {
    /// Commands that block the connection until data arrives or a timeout passes.
    static let blocking: Set<String> = [
        "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF",
    ]

    /// Commands that change the state of the connection (or take it over) beyond one request.
    static let stateful: Set<String> = [
        "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH",
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
        "MONITOR", "SYNC", "PSYNC", "REPLCONF",
        "SELECT", "HELLO", "AUTH", "QUIT", "RESET",
    ]

    /// Returns why `command` is refused, or `nil` when it may be sent to Redis.
    /// - Parameter command: The command to check.
    /// - Returns: The error text to send back, in Redis' `ERR ...` style.
    static func refusal(for command: RedisCommand) -> String? {
        let name = command.name
        if name.isEmpty {
            return "ERR empty command"
        }
        if Self.blocking.contains(name) {
            return "ERR blocking command '\(name)' is not supported over the REST API"
        }
        if Self.stateful.contains(name) {
            if name == "MULTI" || name == "EXEC" || name == "DISCARD" {
                return "ERR command '\(name)' is not supported over the REST API; use /multi-exec for transactions"
            }
            return "ERR command '\(name)' is not supported over the REST API"
        }
        if (name == "XREAD" || name == "XREADGROUP") && Self.hasBlockOption(command) {
            return "ERR blocking command '\(name) ... BLOCK' is not supported over the REST API"
        }
        if name == "CLIENT", command.arguments.count > 1,
            RedisCommand.upperASCII(command.arguments[1]) == "REPLY"
        {
            return "ERR command 'CLIENT REPLY' is not supported over the REST API"
        }
        return nil
    }

    /// Whether an XREAD/XREADGROUP has a `BLOCK` option before its `STREAMS` keyword.
    private static func hasBlockOption(_ command: RedisCommand) -> Bool {
        for argument in command.arguments.dropFirst() {
            switch RedisCommand.upperASCII(argument) {
            case "BLOCK": return true
            case "STREAMS": return false
            default: continue
            }
        }
        return false
    }
}
