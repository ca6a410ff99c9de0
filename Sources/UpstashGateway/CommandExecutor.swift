/// The outcome of a `/multi-exec` request.
enum TransactionOutcome: Sendable, Hashable {
    /// EXEC ran; one reply per command (runtime errors such as WRONGTYPE appear as error entries).
    case committed([RESPValue])
    /// The transaction was discarded before running (a command failed to queue, was refused, ...).
    case aborted(String)
}

/// Runs single commands, pipelines and transactions against the pool, applying ``CommandPolicy``.
struct CommandExecutor: Sendable {
    /// Where commands run.
    let pool: RedisConnectionPool

    /// Runs one command.
    ///
    /// A refused command or a Redis error comes back as ``RESPValue/error(_:)``.
    /// - Parameter command: The command.
    /// - Returns: Redis' reply.
    /// - Throws: ``GatewayError`` when Redis cannot be reached.
    func single(_ command: RedisCommand) async throws(GatewayError) -> RESPValue {
        if let refusal = CommandPolicy.refusal(for: command) {
            return .error(refusal)
        }
        let replies = try await self.pool.execute([command])
        return replies.first ?? .error("ERR no reply from Redis")
    }

    /// Runs `commands` in order, pipelined on one connection in one round trip; not atomic.
    ///
    /// A refused command gets an error entry and does not stop the others.
    /// - Parameter commands: The commands.
    /// - Returns: One reply per command, in order.
    /// - Throws: ``GatewayError`` when Redis cannot be reached.
    func pipeline(_ commands: [RedisCommand]) async throws(GatewayError) -> [RESPValue] {
        var replies: [RESPValue] = Array(repeating: .null, count: commands.count)
        var allowed: [RedisCommand] = []
        var positions: [Int] = []
        for (position, command) in commands.enumerated() {
            if let refusal = CommandPolicy.refusal(for: command) {
                replies[position] = .error(refusal)
            } else {
                allowed.append(command)
                positions.append(position)
            }
        }
        if !allowed.isEmpty {
            let sent = try await self.pool.execute(allowed)
            for (position, reply) in zip(positions, sent) {
                replies[position] = reply
            }
        }
        return replies
    }

    /// Runs `commands` atomically: MULTI, the commands and EXEC are written in one go on one connection.
    /// - Parameter commands: The commands.
    /// - Returns: The EXEC replies, or why the transaction was discarded.
    /// - Throws: ``GatewayError`` when Redis cannot be reached.
    func transaction(_ commands: [RedisCommand]) async throws(GatewayError) -> TransactionOutcome {
        for command in commands {
            if let refusal = CommandPolicy.refusal(for: command) {
                return .aborted(refusal)
            }
        }
        let replies = try await self.pool.execute([RedisCommand("MULTI")] + commands + [RedisCommand("EXEC")])
        // MULTI's reply, then one QUEUED (or error) per command: the first error explains the abort.
        for reply in replies.dropLast() {
            if case .error(let message) = reply {
                return .aborted(message)
            }
        }
        switch replies.last {
        case .array(let results):
            return .committed(results)
        case .error(let message):
            return .aborted(message)
        default:
            return .aborted("EXECABORT Transaction discarded")
        }
    }
}
