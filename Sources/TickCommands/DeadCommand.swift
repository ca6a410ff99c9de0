import ArgumentParser
import TickCLI
import TickCore

/// `tick dead list|retry|purge`: the dead-letter set.
struct DeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead",
        abstract: "List, retry or purge dead-lettered jobs.",
        subcommands: [List.self, Retry.self, Purge.self],
        defaultSubcommand: List.self
    )

    struct Common: ParsableArguments {
        @OptionGroup var global: GlobalOptions
        @OptionGroup var queueOptions: QueueOptions
        @Option(name: .long, help: "The queue.")
        var queue: String = JobSpec.defaultQueue

        func jobQueue() throws -> JobQueue {
            let services = TickEnvironment()
            return try services.queue(prefix: queueOptions.resolvedPrefix(services.variables))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dead-lettered jobs, newest first, with their reasons (one request).")
        @OptionGroup var common: Common
        @Option(name: .long, help: "How many to show.")
        var limit: Int = 20
        @Option(name: .long, help: "How many to skip.")
        var offset: Int = 0

        func validate() throws {
            try FlagRange.check(limit, 1...10_000, flag: "--limit")
            try FlagRange.check(offset, 0...100_000_000, flag: "--offset")
        }
        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors(common.global.color) {
                let (total, letters) = try await common.jobQueue().deadLetters(queue: common.queue, offset: offset, limit: limit)
                if json {
                    print(JSONValue.object([
                        "queue": .string(common.queue), "total": .integer(Int64(total)),
                        "jobs": .array(letters.map { .object(["id": .string($0.id), "dead_at_ms": .integer($0.deadAtUnixMilliseconds), "reason": .string($0.reason), "attempt": .integer(Int64($0.attempt)), "max_attempts": .integer(Int64($0.maxAttempts))]) }),
                    ]).serialized)
                    return
                }
                print("\(total) dead in queue \(common.queue)\(total > letters.count ? " (showing \(letters.count))" : "")")
                guard !letters.isEmpty else { return }
                var table = TextTable([.init("id"), .init("attempts"), .init("died (UTC)"), .init("reason")])
                for letter in letters {
                    table.add([
                        .init(letter.id), .init("\(letter.attempt)/\(letter.maxAttempts)"),
                        .init(UnixTime.iso8601(milliseconds: letter.deadAtUnixMilliseconds)), .init(letter.reason),
                    ])
                }
                print(table.lines(common.global.palette).joined(separator: "\n"))
            }
        }
    }

    /// Selects dead jobs by reason and age instead of by id (`retry` and `purge`).
    struct BulkFilter: ParsableArguments {
        @Option(name: .long, help: "Only dead jobs whose reason contains this text (case-insensitive).")
        var reasonMatch: String?
        @Option(name: .long, help: "Only dead jobs that died longer ago than this: 30m, 12h, 7d.")
        var olderThan: String?
        @Flag(name: .long, help: "Every queue, not only --queue.")
        var allQueues = false
        @Flag(name: .long, help: "Act on what --all or a filter selects (without it a filter only counts).")
        var yes = false

        var isSet: Bool { reasonMatch != nil || olderThan != nil || allQueues }

        /// `--older-than`: 1 s to 400 days.
        static func age(_ text: String) throws -> Duration {
            .seconds(try DurationFlag.seconds(text, flag: "--older-than", range: 1...(400 * 86_400)))
        }

        func validate() throws {
            if let olderThan { _ = try Self.age(olderThan) }
            if let reasonMatch, reasonMatch.isEmpty { throw ValidationError("--reason-match must not be empty") }
        }

        /// The filter these flags give, for `queue` unless `--all-queues`.
        func filter(queue: String) throws -> JobQueue.DeadFilter {
            let age = try olderThan.map(Self.age)
            return JobQueue.DeadFilter(
                reasonContains: reasonMatch, diedBefore: age.map { UnixTime.nowMilliseconds() - Int64($0.milliseconds) },
                queue: allQueues ? nil : queue)
        }

        /// Counts, or with `--yes` acts, and prints what happened; without `--yes` exits 64 after the count.
        func apply(_ action: JobQueue.DeadAction, queue: JobQueue, name: String, common: Common) async throws {
            let filter = try filter(queue: common.queue)
            let scope = filter.queue.map { "queue \($0)" } ?? "every queue"
            let result = try await queue.deadLetters(yes ? action : .count, matching: filter)
            let more = result.scanned < result.total ? " (the newest \(result.scanned) of \(result.total) dead jobs looked at: run again for the rest)" : ""
            guard yes else {
                print("\(result.matched) dead job\(result.matched == 1 ? "" : "s") in \(scope) match\(more)")
                throw ValidationError("add --yes to \(name) \(result.matched == 1 ? "it" : "them")")
            }
            print("\(result.acted) dead job\(result.acted == 1 ? "" : "s") in \(scope) \(action == .retry ? "back to ready" : "purged")\(more)")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put dead jobs back to ready, attempts reset; finished items are not redone.",
            discussion: "Select by id, --all (the queue's every dead job), or by --reason-match / --older-than / --all-queues (counted first; --yes acts).")
        @OptionGroup var common: Common
        @Argument(help: "Job ids.")
        var ids: [String] = []
        @Flag(name: .long, help: "Every dead job of the queue.")
        var all = false
        @OptionGroup var bulk: BulkFilter

        func validate() throws {
            if [!ids.isEmpty, all, bulk.isSet].filter({ $0 }).count != 1 { throw ValidationError("give job ids, --all, or a filter (one of them)") }
        }

        func run() async throws {
            try await reportingErrors(common.global.color) {
                let queue = try common.jobQueue()
                if bulk.isSet { return try await bulk.apply(.retry, queue: queue, name: "retry", common: common) }
                let moved = try await queue.retryDead(queue: common.queue, ids: ids)
                print("\(moved) job\(moved == 1 ? "" : "s") back to ready in queue \(common.queue)")
            }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete dead jobs from Redis (their PostgreSQL records stay until retention finds them orphaned).",
            discussion: "Select by id, --all with --yes, or by --reason-match / --older-than / --all-queues (counted first; --yes acts).")
        @OptionGroup var common: Common
        @Argument(help: "Job ids.")
        var ids: [String] = []
        @Flag(name: .long, help: "Every dead job of the queue.")
        var all = false
        @OptionGroup var bulk: BulkFilter

        func validate() throws {
            if [!ids.isEmpty, all, bulk.isSet].filter({ $0 }).count != 1 { throw ValidationError("give job ids, --all, or a filter (one of them)") }
            if all && !bulk.yes { throw ValidationError("--all deletes every dead job of the queue: add --yes to confirm") }
        }

        func run() async throws {
            try await reportingErrors(common.global.color) {
                let queue = try common.jobQueue()
                if bulk.isSet { return try await bulk.apply(.purge, queue: queue, name: "purge", common: common) }
                let purged = try await queue.purgeDead(queue: common.queue, ids: ids)
                print("\(purged) dead job\(purged == 1 ? "" : "s") purged from queue \(common.queue)")
            }
        }
    }
}
