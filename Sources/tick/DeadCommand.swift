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
            try await reportingErrors {
                let (total, letters) = try await common.jobQueue().deadLetters(queue: common.queue, offset: offset, limit: limit)
                if json {
                    print(JSONValue.object([
                        "queue": .string(common.queue), "total": .integer(Int64(total)),
                        "jobs": .array(letters.map { .object(["id": .string($0.id), "dead_at_ms": .integer($0.deadAtUnixMilliseconds), "reason": .string($0.reason), "attempt": .integer(Int64($0.attempt)), "max_attempts": .integer(Int64($0.maxAttempts))]) }),
                    ]).serialized)
                    return
                }
                print("\(total) dead in queue \(common.queue)\(total > letters.count ? " (showing \(letters.count))" : "")")
                for letter in letters { print("\(letter.id)  attempt \(letter.attempt)/\(letter.maxAttempts)  \(letter.reason)") }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put dead jobs back to ready, attempts reset; finished items are not redone.")
        @OptionGroup var common: Common
        @Argument(help: "Job ids.")
        var ids: [String] = []
        @Flag(name: .long, help: "Every dead job of the queue.")
        var all = false

        func validate() throws {
            if ids.isEmpty != all { throw ValidationError("give job ids, or --all (not both)") }
        }

        func run() async throws {
            try await reportingErrors {
                let moved = try await common.jobQueue().retryDead(queue: common.queue, ids: ids)
                print("\(moved) job\(moved == 1 ? "" : "s") back to ready in queue \(common.queue)")
            }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete dead jobs from Redis (their PostgreSQL records stay).")
        @OptionGroup var common: Common
        @Argument(help: "Job ids.")
        var ids: [String] = []
        @Flag(name: .long, help: "Every dead job of the queue.")
        var all = false
        @Flag(name: .long, help: "Confirm --all.")
        var yes = false

        func validate() throws {
            if ids.isEmpty != all { throw ValidationError("give job ids, or --all (not both)") }
            if all && !yes { throw ValidationError("--all deletes every dead job of the queue: add --yes to confirm") }
        }

        func run() async throws {
            try await reportingErrors {
                let purged = try await common.jobQueue().purgeDead(queue: common.queue, ids: ids)
                print("\(purged) dead job\(purged == 1 ? "" : "s") purged from queue \(common.queue)")
            }
        }
    }
}
