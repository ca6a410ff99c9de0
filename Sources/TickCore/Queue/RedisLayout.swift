/// The version of the Redis key layout under a prefix, and its upgrades (`tick migrate`).
///
/// Every script that changes jobs checks the version first (``QueueKeys/lua``'s `layout_error()`, inside the
/// same request), so a tick of another layout refuses the prefix with exit code 80 instead of misreading it.
/// A prefix without a layout key is in layout 1 (the layout before versions) if it holds tick's data, else new.
public struct RedisLayout: Sendable {
    /// One upgrade of the keys from `version - 1` to `version`: a Lua body run after ``QueueScripts/prelude``
    /// (so it sees the keys and `ARGV[1]`, the prefix; `ARGV[2]` is the most entries one call may move),
    /// atomic, and safe to run again. It answers how many entries are left to upgrade; ``RedisLayout/migrate()``
    /// calls it until none is, so a large backlog is upgraded in bounded steps, not in one long script.
    public struct Upgrade: Sendable {
        public var version: Int
        public var name: String
        public var script: RedisScript

        /// Makes an upgrade.
        public init(version: Int, name: String, body: String) {
            self.version = version
            self.name = name
            self.script = QueueScripts.script(body)
        }
    }

    /// Upgrades in order; a change of layout adds its step here (rewriting queued, delayed, leased and dead
    /// jobs in place) and raises ``QueueKeys/layoutVersion``.
    public static let upgrades: [Upgrade] = [
        Upgrade(
            version: 2, name: "ready jobs by handler",
            body: """
                local limit = tonumber(ARGV[2])
                local moved, left = 0, 0
                for _, q in ipairs(redis.call('SMEMBERS', queues_key)) do
                  local legacy = legacy_ready_key(q)
                  if moved < limit then
                    local rows = redis.call('ZRANGE', legacy, 0, limit - moved - 1, 'WITHSCORES')
                    for r = 1, #rows, 2 do
                      redis.call('ZREM', legacy, rows[r])
                      make_ready(q, job_key(rows[r]), rows[r], rows[r + 1])
                      moved = moved + 1
                    end
                  end
                  left = left + redis.call('ZCARD', legacy)
                end
                return left
                """)
    ]

    /// Entries one call of an upgrade moves at most (a short script: Redis serves nothing else while it runs).
    public static let stepSize = 2_000

    /// What ``migrate()`` did.
    public struct Outcome: Sendable, Equatable {
        /// The version found before (see ``RedisLayout/version()``).
        public var from: Int
        /// The version now: ``QueueKeys/layoutVersion``.
        public var to: Int
        /// Names of the upgrades applied, in order.
        public var applied: [String]
    }

    /// The queue whose prefix is migrated.
    public let queue: JobQueue

    /// The layout of `queue`'s prefix.
    public init(queue: JobQueue) { self.queue = queue }

    /// The version under the prefix: the recorded one; without a record, 1 when the prefix holds tick's data
    /// (it was written before layouts had versions), else this binary's (a new prefix). One request.
    public func version() async throws(UpstashError) -> Int {
        let replies = try await queue.client.pipeline(
            [RedisCommand("GET", RedisArgument(queue.keys.layout)), RedisCommand("EXISTS", RedisArgument(queue.keys.queues))], idempotent: true)
        if let recorded = replies.first?.string.flatMap({ Int($0) }) { return recorded }
        return replies.last?.int == 1 ? 1 : QueueKeys.layoutVersion
    }

    /// Applies the upgrades from the prefix's version to this binary's, then records the version.
    /// - Throws: ``LayoutError`` when the prefix is in a newer layout than this binary knows.
    public func migrate() async throws(LayoutError) -> Outcome {
        let found: Int
        do { found = try await version() } catch { throw .redis(error) }
        let latest = QueueKeys.layoutVersion
        guard found <= latest else { throw .newer(found: found, known: latest) }
        var applied: [String] = []
        for upgrade in Self.upgrades where upgrade.version > found && upgrade.version <= latest {
            do {
                var left = Int.max
                while left > 0 {
                    let reply = try await queue.client.eval(
                        upgrade.script, arguments: [RedisArgument(queue.prefix), RedisArgument(Self.stepSize)], idempotent: true)
                    let now = reply.int ?? 0
                    // A step that moved nothing while entries are left cannot finish: stop rather than loop.
                    guard now < left || now == 0 else { throw LayoutError.stuck(upgrade: upgrade.name, left: now) }
                    left = now
                }
                _ = try await queue.client.send(RedisCommand("SET", RedisArgument(queue.keys.layout), RedisArgument(upgrade.version)), idempotent: true)
            } catch let error as UpstashError {
                throw .redis(error)
            } catch let error as LayoutError {
                throw error
            } catch {
                throw .stuck(upgrade: upgrade.name, left: -1)
            }
            applied.append(upgrade.name)
        }
        do {
            _ = try await queue.client.send(RedisCommand("SET", RedisArgument(queue.keys.layout), RedisArgument(latest)), idempotent: true)
        } catch {
            throw .redis(error)
        }
        return Outcome(from: found, to: latest, applied: applied)
    }
}

/// Why the Redis layout could not be migrated.
public enum LayoutError: TickError {
    /// The prefix was migrated by a newer tick.
    case newer(found: Int, known: Int)
    /// Redis failed.
    case redis(UpstashError)
    /// An upgrade step stopped making progress.
    case stuck(upgrade: String, left: Int)

    public var description: String {
        switch self {
        case .newer(let found, let known):
            "the Redis keys under this prefix are in layout \(found), newer than this tick's \(known): upgrade tick (a downgrade is not supported)"
        case .redis(let error): error.description
        case .stuck(let upgrade, let left):
            "the Redis layout upgrade \"\(upgrade)\" stopped with \(left) entries left: run tick migrate again; if it stops again, report it"
        }
    }

    public var exitCode: TickExitCode {
        switch self {
        case .newer: .schemaMismatch
        case .redis(let error): error.exitCode
        case .stuck: .redisError
        }
    }
}
