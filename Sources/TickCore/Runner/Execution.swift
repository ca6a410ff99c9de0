import Logging

/// The working part of a run: starts items across the claimed jobs up to the concurrency limit, stops
/// starting them when the remaining time cannot fit another, cancels what is in flight at the deadline,
/// and group-commits finished items to PostgreSQL.
///
/// A group commit is in flight while items go on (one at a time): the items finished meanwhile wait for the next
/// commit, and once they fill a commit batch of their own no new item starts until the commit in flight is done. So a
/// kill re-runs at most the items in flight, those of the commit in flight and those finished since it was sent.
struct Execution {
    let jobs: [ActiveJob]
    let store: any CheckpointRecording
    let runID: Int64
    let options: RunOptions
    /// No item runs past this instant.
    let deadline: ContinuousClock.Instant
    let logger: Logger
    /// Told of each finished item (live progress).
    var observer: RunObserver?

    private(set) var itemsDone = 0
    private(set) var itemsFailed = 0
    /// When the first item was handed to its handler.
    private(set) var firstItemStarted: ContinuousClock.Instant?
    /// Whether the run stopped before finishing its jobs (deadline or cancellation).
    private(set) var stoppedEarly = false
    /// Set when a commit failed: the run must hand its work back.
    private(set) var postgresError: PostgresError?

    private var buffer: [CheckpointStore.ItemRecord] = []
    /// The records of the commit in flight, if one is.
    private var committing: [CheckpointStore.ItemRecord]?
    /// The commit window ended while a commit was in flight: the next commit goes as soon as it is done.
    private var commitDue = false
    /// A commit timer is in the task group.
    private var timerPending = false
    /// Progress reported within items, until the next commit.
    private let board = ProgressBoard()
    private var estimator = DurationEstimator()
    /// Indexes of jobs that may still start work, visited round robin; a job leaves once it has nothing
    /// more to start, so starting an item does not scan finished jobs.
    private var runnable: [Int]
    private var cursorIndex = 0
    /// Items in flight per handler name, for handlers with a concurrency limit.
    private var handlerInFlight: [String: Int] = [:]
    private let clock: any TickClock

    init(
        jobs: [ActiveJob], store: any CheckpointRecording, runID: Int64, options: RunOptions, deadline: ContinuousClock.Instant, clock: any TickClock = SystemClock(),
        logger: Logger
    ) {
        self.clock = clock
        self.jobs = jobs
        self.store = store
        self.runID = runID
        self.options = options
        self.deadline = deadline
        self.logger = logger
        self.runnable = Array(jobs.indices)
    }

    private enum Event: Sendable {
        case item(job: Int, input: HandlerInput, outcome: HandlerOutcome, elapsed: Duration)
        case commitTimer
        /// The commit in flight is done.
        case committed(Result<CheckpointStore.Recording, PostgresError>)
        case deadline
        /// A handler reported progress (``ProgressBoard``); `false` when the board closed.
        case progress(Bool)
    }

    /// Waits for the next progress report.
    private static func nextReport(_ board: ProgressBoard) async -> Event {
        for await _ in board.signals { return .progress(true) }
        return .progress(false)
    }

    mutating func run() async {
        await withTaskGroup(of: Event.self) { group in
            let deadline = self.deadline
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return .deadline
            }
            var inFlight = 0
            var stopping = false

            func stop(_ group: inout TaskGroup<Event>) {
                guard !stopping else { return }
                stopping = true
                group.cancelAll()
            }

            let board = self.board
            group.addTask { await Self.nextReport(board) }
            inFlight += fill(&group, stopping: stopping, inFlight: inFlight)
            while inFlight > 0 || committing != nil, let event = await group.next() {
                switch event {
                case .deadline:
                    if inFlight > 0 { stoppedEarly = true }
                    stop(&group)
                case .commitTimer:
                    timerPending = false
                    if !stopping { commitNow(&group) }
                case .committed(let result):
                    settle(result)
                    if postgresError != nil {
                        stop(&group)
                    } else if !stopping, commitDue || buffer.count >= options.commitBatch {
                        commitNow(&group)
                    } else if !buffer.isEmpty || board.hasPending {
                        scheduleCommit(&group, stopping: stopping)
                    }
                case .progress(let open):
                    scheduleCommit(&group, stopping: stopping)
                    if open, !stopping { group.addTask { await Self.nextReport(board) } }
                case .item(let index, let input, let outcome, let elapsed):
                    inFlight -= 1
                    board.finish(job: index, item: Self.index(of: input))
                    apply(outcome, input: input, to: jobs[index], elapsed: elapsed, stopping: stopping)
                    if buffer.count >= options.commitBatch {
                        if !stopping { commitNow(&group) }
                    } else if !buffer.isEmpty {
                        scheduleCommit(&group, stopping: stopping)
                    }
                }
                if Task.isCancelled {
                    stoppedEarly = true
                    stop(&group)
                }
                inFlight += fill(&group, stopping: stopping, inFlight: inFlight)
            }
            // Items left unstarted: the budget (or a signal) ended the run before the work did.
            if jobs.contains(where: { $0.verdict == nil && $0.hasWorkToStart }) { stoppedEarly = true }
            board.close()
            group.cancelAll()
        }
        // Failed items decide the job's outcome; anything else unfinished is handed back.
        for job in jobs where job.verdict == nil {
            if let closing = job.closingVerdict { job.stop(closing) } else if !job.isComplete { job.stop(.release) }
        }
    }

    /// Ends the group-commit window in `commitInterval`, unless a timer is pending already.
    private mutating func scheduleCommit(_ group: inout TaskGroup<Event>, stopping: Bool) {
        guard !timerPending, !stopping else { return }
        timerPending = true
        let interval = options.commitInterval
        group.addTask {
            try? await Task.sleep(for: interval)
            return .commitTimer
        }
    }

    /// Starts items until the concurrency limit, the time left, or the work runs out.
    private mutating func fill(_ group: inout TaskGroup<Event>, stopping: Bool, inFlight: Int) -> Int {
        guard !stopping, postgresError == nil else { return 0 }
        // A full batch waits for the commit in flight: no more finished and unrecorded items than that.
        if committing != nil, buffer.count >= options.commitBatch { return 0 }
        var started = 0
        var blocked = 0  // runnable jobs visited in a row that could not start anything now
        while inFlight + started < options.concurrency, !runnable.isEmpty, blocked < runnable.count {
            let position = cursorIndex % runnable.count
            let index = runnable[position]
            let job = jobs[index]
            guard job.verdict == nil, job.hasWorkToStart else {
                runnable.swapAt(position, runnable.count - 1)
                runnable.removeLast()
                continue
            }
            cursorIndex += 1
            let now = clock.now
            let limit = job.entry.concurrencyLimit
            if let limit, handlerInFlight[job.spec.handler, default: 0] >= limit {
                blocked += 1
                continue
            }
            guard now.advanced(by: estimator.estimate(job.spec.handler)) < deadline, let input = job.nextInput() else {
                blocked += 1
                continue
            }
            if limit != nil { handlerInFlight[job.spec.handler, default: 0] += 1 }
            blocked = 0
            if firstItemStarted == nil { firstItemStarted = now }
            job.inFlight += 1
            started += 1
            let timeout = job.spec.itemTimeoutMilliseconds.map { Duration.milliseconds($0) } ?? job.entry.itemTimeout
            let itemDeadline = min(now.advanced(by: timeout), deadline)
            let key: String =
                switch input {
                case .item(let i, _): "\(job.claimed.id):\(i)"
                case .page(let n, _): "\(job.claimed.id):page:\(n)"
                }
            var jobLogger = logger
            jobLogger[metadataKey: "job.id"] = "\(job.claimed.id)"
            let context = HandlerContext(
                jobID: job.claimed.id, queue: job.claimed.queue, handlerName: job.spec.handler, attempt: job.claimed.attempt,
                idempotencyKey: key, deadline: itemDeadline,
                deadlineUnixMilliseconds: clock.unixMilliseconds + Int64(now.duration(to: itemDeadline).milliseconds),
                logger: jobLogger, progress: board.reporter(job: index, item: Self.index(of: input)), runDeadline: deadline)
            let handler = job.entry.handler
            let clock = self.clock
            group.addTask {
                let begun = clock.now
                let outcome = await handler.handle(input, context: context)
                return .item(job: index, input: input, outcome: outcome, elapsed: begun.duration(to: clock.now))
            }
        }
        return started
    }

    /// An item's index, or a page's number.
    static func index(of input: HandlerInput) -> Int {
        switch input {
        case .item(let i, _): i
        case .page(let n, _): n
        }
    }

    private mutating func apply(_ outcome: HandlerOutcome, input: HandlerInput, to job: ActiveJob, elapsed: Duration, stopping: Bool) {
        job.inFlight -= 1
        if job.entry.concurrencyLimit != nil { handlerInFlight[job.spec.handler, default: 1] -= 1 }
        let index = Self.index(of: input)
        logger.trace(
            "item finished",
            metadata: [
                "job.id": "\(job.claimed.id)", "item": "\(index)", "outcome": "\(Self.label(outcome))",
                "ms": "\(Int(elapsed.milliseconds))",
            ])
        func record(failed: Bool, result: JSONValue?, error: String?, next: String?? = nil) {
            observer?(.itemFinished(failed: failed))
            buffer.append(.init(jobID: job.claimed.id, fence: job.claimed.fence, index: index, failed: failed, result: result?.serialized, error: error, attempt: job.claimed.attempt, nextCursor: next))
        }
        switch outcome {
        case .done(let result):
            estimator.observe(job.spec.handler, elapsed)
            job.done.insert(index)
            record(failed: false, result: result, error: nil)
        case .page(let next, let result):
            estimator.observe(job.spec.handler, elapsed)
            job.done.insert(index)
            job.cursor = next
            if next == nil { job.cursorFinished = true }
            record(failed: false, result: result, error: nil, next: .some(next))
        case .failed(let reason):
            record(failed: true, result: nil, error: reason)
            job.fail(item: index, reason: reason, permanent: true)
        case .retryLater(let reason, let after):
            if stopping || Task.isCancelled {
                // Cut off by the run's deadline or a signal: hand the job back; the attempt does not count.
                job.stop(.release)
            } else {
                observer?(.itemFinished(failed: true))
                job.fail(item: index, reason: reason, permanent: false, after: after)
            }
        }
    }

    /// Sends the buffered records (and progress) as the commit in flight, or, when one is in flight already, marks
    /// the next as due the moment it is done.
    private mutating func commitNow(_ group: inout TaskGroup<Event>) {
        guard committing == nil else {
            commitDue = true
            return
        }
        commitDue = false
        guard postgresError == nil, !buffer.isEmpty || board.hasPending else { return }
        let progress = progressRecords()
        let records = buffer
        buffer.removeAll(keepingCapacity: true)
        committing = records
        let (store, runID, clock, logger) = (self.store, self.runID, self.clock, self.logger)
        group.addTask {
            let started = clock.now
            do throws(PostgresError) {
                let recording = try await store.record(items: records, finals: [], progress: progress, runID: runID)
                logger.debug("committed", metadata: ["items": "\(records.count)", "ms": "\(Int(started.duration(to: clock.now).milliseconds))"])
                return .committed(.success(recording))
            } catch {
                return .committed(.failure(error))
            }
        }
    }

    /// Takes the outcome of the commit in flight: its records count, its refusals and cancel requests apply; a
    /// failure stops the run (its work is handed back).
    private mutating func settle(_ result: Result<CheckpointStore.Recording, PostgresError>) {
        let records = committing ?? []
        committing = nil
        switch result {
        case .success(let recording):
            take(recording, for: records)
        case .failure(let error):
            postgresError = error
            logger.error("checkpoint commit failed; handing the batch back", metadata: ["error": "\(error.description)"])
        }
    }

    /// Commits buffered records and final job states in one statement; returns the jobs whose lease was lost and
    /// those `tick cancel` asked to stop: such a job starts nothing more (what is in flight finishes and is recorded).
    mutating func flush(finals: [CheckpointStore.FinalState]) async throws(PostgresError) -> CheckpointStore.Recording {
        guard !buffer.isEmpty || !finals.isEmpty || board.hasPending else { return CheckpointStore.Recording() }
        let started = clock.now
        let recording = try await store.record(items: buffer, finals: finals, progress: progressRecords(), runID: runID)
        logger.debug(
            "committed",
            metadata: [
                "items": "\(buffer.count)", "final_states": "\(finals.count)", "refused": "\(recording.refused.count)",
                "ms": "\(Int(started.duration(to: clock.now).milliseconds))",
            ])
        take(recording, for: buffer)
        buffer.removeAll(keepingCapacity: true)
        return recording
    }

    /// Counts the committed records (not those of jobs whose writes were refused); a refused job is lost, a job
    /// `tick cancel` asked to stop starts nothing more.
    private mutating func take(_ recording: CheckpointStore.Recording, for records: [CheckpointStore.ItemRecord]) {
        let refused = recording.refused
        for record in records where !refused.contains(record.jobID) {
            if record.failed { itemsFailed += 1 } else { itemsDone += 1 }
        }
        for job in jobs where refused.contains(job.claimed.id) { job.verdict = .lost }
        for job in jobs where recording.cancelRequested.contains(job.claimed.id) && job.verdict == nil {
            logger.debug("cancel requested: starting nothing more of the job", metadata: ["job.id": "\(job.claimed.id)"])
            job.stop(.cancelled)
        }
    }
}

extension Execution {
    /// A short label of an outcome, for logs.
    static func label(_ outcome: HandlerOutcome) -> String {
        switch outcome {
        case .done: "done"
        case .page: "page"
        case .failed: "failed"
        case .retryLater: "retry_later"
        }
    }
}

/// Learns how long a handler's items take (an exponentially weighted mean), so a run does not start an
/// item that cannot finish before the deadline.
struct DurationEstimator {
    private var means: [String: Duration] = [:]

    /// The expected duration of the handler's next item, with a 20% margin; zero until one was seen.
    func estimate(_ handler: String) -> Duration { (means[handler] ?? .zero) * 1.2 }

    mutating func observe(_ handler: String, _ elapsed: Duration) {
        means[handler] = means[handler].map { $0 * 0.7 + elapsed * 0.3 } ?? elapsed
    }
}

extension Execution {
    /// The progress to write with this commit: every job with a report since the last commit or an item in it. An
    /// items job's fraction is its items done plus what those in flight reported, over its items; a cursor job's is
    /// what its page reported.
    func progressRecords() -> [CheckpointStore.JobProgress] {
        let reports = board.take()
        let touched = Set(buffer.map(\.jobID))
        return jobs.indices.compactMap { position -> CheckpointStore.JobProgress? in
            let job = jobs[position]
            let report = reports[position]
            guard report != nil || touched.contains(job.claimed.id) else { return nil }
            let fraction: Double? =
                switch job.spec.work {
                case .items(let items): items.isEmpty ? nil : (Double(job.done.count) + (report?.inFlight ?? 0)) / Double(items.count)
                case .cursor: report.map(\.inFlight)
                }
            return CheckpointStore.JobProgress(jobID: job.claimed.id, fence: job.claimed.fence, fraction: fraction, message: report?.message)
        }
    }
}
