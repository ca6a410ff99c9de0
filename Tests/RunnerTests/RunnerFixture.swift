import Logging
import TickCore
import TickTestSupport

/// A runner over the in-memory queue and checkpoint store: no services.
struct RunnerFixture {
    let queue = InMemoryQueue()
    let checkpoints = InMemoryCheckpoints()
    let clock = TestClock()
    var registry = HandlerRegistry()
    var schedules: [Schedule] = []

    init(handlers: [String: any JobHandler] = ["noop": NoopHandler()]) {
        for (name, handler) in handlers { registry.register(name, handler, itemTimeout: .seconds(5)) }
    }

    var runner: TickRunner {
        var logger = Logger(label: "runner-tests")
        logger.logLevel = .critical
        return TickRunner(queue: queue, checkpoints: checkpoints, registry: registry, schedules: schedules, clock: clock, logger: logger)
    }

    /// Options for a short run.
    static func options(budget: Duration = .seconds(120), batch: Int = 10, concurrency: Int = 4) -> RunOptions {
        var options = RunOptions()
        options.budget = budget
        options.batch = batch
        options.concurrency = concurrency
        return options
    }

    /// Enqueues an items job.
    @discardableResult
    func enqueue(_ id: String, handler: String = "noop", items: Int = 1, maxAttempts: Int = 5, itemConcurrency: Int = 1) async -> JobSpec {
        let spec = JobSpec(
            id: id, handler: handler, work: .items((0..<items).map { .integer(Int64($0)) }), maxAttempts: maxAttempts, itemConcurrency: itemConcurrency)
        await queue.enqueue(spec)
        return spec
    }

    func state(_ id: String) async -> JobState? { await queue.record(id)?.state }
}

/// A PostgreSQL error as a lost server gives it.
let connectionLost = PostgresError.connectionClosed(PostgresEndpoint(host: "db.test", port: "5432", database: "tick", user: "tick"), reason: "test")
