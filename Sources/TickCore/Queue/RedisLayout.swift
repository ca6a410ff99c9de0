/// The version of the Redis key layout under a prefix, and its upgrades (`tick migrate`).
///
/// Every script that changes jobs checks the version first (``QueueKeys/lua``'s `layout_error()`, inside the
/// same request), so a tick of another layout refuses the prefix with exit code 80 instead of misreading it.
/// A prefix without a layout key is in layout 1, the layout before versions.
public struct RedisLayout: Sendable {
    /// One upgrade of the keys from `version - 1` to `version`: a Lua body run after ``QueueScripts/prelude``
    /// (so it sees the keys and `ARGV[1]`, the prefix), atomic, and safe to run again.
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

    /// Upgrades in order. Layout 1 is the first, so there is none yet; a change of layout adds its step here
    /// (rewriting queued, delayed, leased and dead jobs in place) and raises ``QueueKeys/layoutVersion``.
    public static let upgrades: [Upgrade] = []

    /// What ``migrate()`` did.
    public struct Outcome: Sendable, Equatable {
        /// The version found before (1 when the key was missing).
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

    /// The version under the prefix: 1 when the key is missing.
    public func version() async throws(UpstashError) -> Int {
        let reply = try await queue.client.send(RedisCommand("GET", RedisArgument(queue.keys.layout)), idempotent: true)
        return reply.string.flatMap { Int($0) } ?? 1
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
                _ = try await queue.client.eval(upgrade.script, arguments: [RedisArgument(queue.prefix)], idempotent: true)
                _ = try await queue.client.send(RedisCommand("SET", RedisArgument(queue.keys.layout), RedisArgument(upgrade.version)), idempotent: true)
            } catch {
                throw .redis(error)
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

    public var description: String {
        switch self {
        case .newer(let found, let known):
            "the Redis keys under this prefix are in layout \(found), newer than this tick's \(known): upgrade tick (a downgrade is not supported)"
        case .redis(let error): error.description
        }
    }

    public var exitCode: TickExitCode {
        switch self {
        case .newer: .schemaMismatch
        case .redis(let error): error.exitCode
        }
    }
}
