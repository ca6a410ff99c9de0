import ArgumentParser
import TickCLI
import TickCore

/// `tick cancel`: jobs that are waiting never run; running ones stop at their next item boundary.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel jobs: waiting ones never run, running ones stop at their next item (one request per 500 jobs).",
        discussion: """
            A ready or delayed job leaves its queue at once. A running job is marked: its run learns of it at its \
            next checkpoint commit (within 50 ms of an item finishing), starts none of its remaining items, records \
            what finished, and ends it cancelled; it is never retried or dead-lettered, and if its run died the \
            claim that takes its lease back cancels it. A cancelled job keeps its checkpoint and shows as \
            cancelled in tick job, tick jobs --state cancelled and the dashboard, for as long as finished jobs \
            are kept (retention finished_jobs_days). A finished or unknown id is reported and the exit code is 65.

            By filter: --queue Q [--handler H] selects the queue's ready, delayed and running jobs (of that \
            handler); without --yes it only counts them.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var queueOptions: QueueOptions
    @Argument(help: "Job ids.")
    var ids: [String] = []
    @Option(name: .long, help: "Cancel the jobs of this queue that have not finished (with --yes).")
    var queue: String?
    @Option(name: .long, help: "With --queue: only jobs of this handler.")
    var handler: String?
    @Flag(name: .long, help: "Act on what --queue / --handler select (without it they only count).")
    var yes = false
    @Flag(name: .long, help: "Print one JSON document.")
    var json = false

    /// Ids sent per request.
    static let chunk = 500

    func validate() throws {
        if handler != nil && queue == nil { throw ValidationError("--handler needs --queue") }
        if ids.isEmpty == (queue == nil) { throw ValidationError("give job ids, or --queue (with --handler) to select jobs (one of them)") }
        if !ids.isEmpty && yes { throw ValidationError("--yes goes with --queue: ids are cancelled without it") }
    }

    func run() async throws {
        try await reportingErrors(global.color) {
            let environment = TickEnvironment()
            let jobQueue = try environment.queue(prefix: environment.prefix(queueOptions.prefix))
            var selected = ids
            if let queue {
                selected = try await Self.select(jobQueue, queue: queue, handler: handler)
                guard yes else {
                    let what = "\(selected.count) unfinished job\(selected.count == 1 ? "" : "s") in queue \(queue)\(handler.map { " of handler \($0)" } ?? "")"
                    print(json ? JSONValue.object(["matched": .integer(Int64(selected.count)), "acted": .bool(false)]).serialized : "\(what) match")
                    throw ValidationError("add --yes to cancel \(selected.count == 1 ? "it" : "them")")
                }
            }
            var results: [JobQueue.CancelResult] = []
            for start in stride(from: 0, to: selected.count, by: Self.chunk) {
                results += try await jobQueue.cancel(Array(selected[start..<min(start + Self.chunk, selected.count)]), nowMilliseconds: UnixTime.nowMilliseconds())
            }
            let recorded = Self.record(results, environment: environment)
            print(json ? CancelOutput.json(results, recorded: recorded) : CancelOutput.text(results, recorded: recorded))
            if queue == nil, results.contains(where: { if case .cancelled = $0 { false } else if case .requested = $0 { false } else { true } }) {
                throw ExitCode(TickExitCode.dataError.rawValue)
            }
        }
    }

    /// The ids of `queue`'s ready, delayed and leased jobs (of `handler`), a listing page (one request) per 1,000.
    static func select(_ jobQueue: JobQueue, queue: String, handler: String?) async throws -> [String] {
        var ids: [String] = []
        for state in [JobQueue.ListedState.ready, .delayed, .leased] {
            var cursor: String?
            repeat {
                let page = try await jobQueue.jobs(queue: queue, state: state, handler: handler, limit: 1_000, after: cursor)
                ids += page.jobs.map(\.id)
                cursor = page.next
            } while cursor != nil
        }
        return ids
    }

    /// Records the cancels in PostgreSQL when `DATABASE_URL` is set; `false` (with a warning) when it could not.
    static func record(_ results: [JobQueue.CancelResult], environment: TickEnvironment) -> Bool {
        var cancelled: [JobQueue.CancelledJob] = []
        var requested: [JobQueue.CancelledJob] = []
        for result in results {
            switch result {
            case .cancelled(let job): cancelled.append(job)
            case .requested(let job): requested.append(job)
            case .finished, .unknown: break
            }
        }
        guard !cancelled.isEmpty || !requested.isEmpty else { return true }
        let consequence = "the cancel holds (Redis decides), but a running job stops at the end of its run rather than at its next item, and tick job shows no cancelled checkpoint"
        guard environment.variables["DATABASE_URL"].map({ !$0.isEmpty }) == true else {
            printWarning("DATABASE_URL is not set: \(consequence)")
            return false
        }
        do {
            let connection = try PostgresConnection(configuration: PostgresConfiguration(environment: environment.variables))
            defer { connection.close() }
            try CheckpointStore(connection: connection).recordCancels(cancelled: cancelled, requested: requested)
            return true
        } catch {
            printWarning("recording the cancel in PostgreSQL failed (\(error.description)): \(consequence)")
            return false
        }
    }
}
