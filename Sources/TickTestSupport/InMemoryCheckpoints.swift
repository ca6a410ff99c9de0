import Synchronization
import TickCore

/// A checkpoint store in memory with the PostgreSQL store's fencing rules: `begin` takes a job over only
/// if its stored fence is not higher, writes under a superseded fence are refused, a `done` item is never
/// replaced by a later record. Failures can be injected; opens, closes and runs are recorded.
public final class InMemoryCheckpoints: CheckpointConnecting, CheckpointRecording, Sendable {
    /// A job's row.
    public struct Job: Sendable, Equatable {
        public var fence: Int64
        public var state: CheckpointState
        public var cursor: String?
        /// Item index → state and result (JSON text).
        public var items: [Int: Item] = [:]
        /// Whether `tick cancel` asked for the job to stop (`tick_jobs.cancel_requested_at`).
        public var cancelRequested = false
        /// Every progress fraction written, in order (-1 for a report with a message only).
        public var progress: [Double] = []

        /// A row with its fence, state, cursor and items.
        public init(fence: Int64, state: CheckpointState, cursor: String? = nil, items: [Int: Item] = [:], cancelRequested: Bool = false) {
            self.fence = fence
            self.state = state
            self.cursor = cursor
            self.items = items
            self.cancelRequested = cancelRequested
        }
    }

    /// An item's row.
    public struct Item: Sendable, Equatable {
        public var state: ItemState
        public var result: String?
        public var error: String?

        /// An item row.
        public init(state: ItemState, result: String? = nil, error: String? = nil) {
            self.state = state
            self.result = result
            self.error = error
        }
    }

    private struct State: Sendable {
        var jobs: [String: Job] = [:]
        var runs: [Int64: RunReport?] = [:]
        var opens = 0
        var closes = 0
        var records = 0
        var openError: PostgresError?
        var failRecordAt: Int?
        var recordError: PostgresError?
        var prunes = 0
        var progressWrites = 0
    }

    private let state = Mutex(State())

    /// An empty store.
    public init() {}

    /// Rows by job id.
    public var jobs: [String: Job] { state.withLock { $0.jobs } }
    /// Reports recorded by `finishRun`, by run id (`nil` for a run that started but did not finish).
    public var runs: [Int64: RunReport?] { state.withLock { $0.runs } }
    /// How often a store was opened and closed.
    public var opens: Int { state.withLock { $0.opens } }
    public var closes: Int { state.withLock { $0.closes } }
    /// `record` calls that wrote (group commits and final commits).
    public var records: Int { state.withLock { $0.records } }

    /// Makes the next opens fail (`nil` to stop).
    public func failOpen(with error: PostgresError?) { state.withLock { $0.openError = error } }
    /// Makes the `n`-th `record` call from now (1 = the next) fail with `error`.
    public func failRecord(at n: Int, with error: PostgresError) {
        state.withLock {
            $0.failRecordAt = $0.records + n
            $0.recordError = error
        }
    }
    /// Stores a job row, as an earlier run (or another run) left it.
    public func seed(_ id: String, _ job: Job) { state.withLock { $0.jobs[id] = job } }

    public func open(timeout: Duration) throws(PostgresError) -> any CheckpointRecording {
        let error: PostgresError? = state.withLock {
            $0.opens += 1
            return $0.openError
        }
        if let error { throw error }
        return self
    }

    public func close(_ store: any CheckpointRecording) { state.withLock { $0.closes += 1 } }

    public func startRun(trigger: RunTrigger, schedule: String?, budgetMilliseconds: Int, claimed: Int, startedAtUnixMilliseconds: Int64) throws(PostgresError) -> Int64 {
        state.withLock {
            let id = Int64($0.runs.count + 1)
            $0.runs[id] = .some(nil)
            return id
        }
    }

    public func begin(_ jobs: [CheckpointStore.JobStart]) throws(PostgresError) -> [String: CheckpointStore.Checkpoint] {
        state.withLock { state in
            var out: [String: CheckpointStore.Checkpoint] = [:]
            for start in jobs {
                var job = state.jobs[start.id] ?? Job(fence: start.fence, state: .running, cursor: start.startCursor)
                guard job.fence <= start.fence else { continue }
                job.fence = start.fence
                if job.state != .done { job.state = .running }
                state.jobs[start.id] = job
                let done = Set(job.items.filter { $0.value.state == .done }.keys)
                out[start.id] = CheckpointStore.Checkpoint(doneItems: done, cursor: job.cursor, state: job.state, cancelRequested: job.cancelRequested)
            }
            return out
        }
    }

    /// ``startRun(trigger:schedule:budgetMilliseconds:claimed:startedAtUnixMilliseconds:)``, then ``begin(_:)``.
    public func start(_ run: CheckpointStore.RunStart, jobs: [CheckpointStore.JobStart]) throws(PostgresError) -> (
        runID: Int64, checkpoints: [String: CheckpointStore.Checkpoint]
    ) {
        let runID = try startRun(
            trigger: run.trigger, schedule: run.schedule, budgetMilliseconds: run.budgetMilliseconds, claimed: run.claimed,
            startedAtUnixMilliseconds: run.startedAtUnixMilliseconds)
        return (runID, try begin(jobs))
    }

    /// Marks a job's cancel as requested, as `tick cancel` does for a running job (a row is made if none exists).
    public func requestCancel(_ id: String, fence: Int64 = 0) {
        state.withLock { state in
            var job = state.jobs[id] ?? Job(fence: fence, state: .running)
            job.cancelRequested = true
            state.jobs[id] = job
        }
    }

    public func record(
        items: [CheckpointStore.ItemRecord], finals: [CheckpointStore.FinalState], progress: [CheckpointStore.JobProgress], runID: Int64?
    ) throws(PostgresError) -> CheckpointStore.Recording {
        let result: Result<CheckpointStore.Recording, PostgresError> = state.withLock { state in
            state.records += 1
            if let at = state.failRecordAt, state.records >= at, let error = state.recordError {
                state.failRecordAt = nil
                return .failure(error)
            }
            var refused: Set<String> = []
            let fences = Dictionary(items.map { ($0.jobID, $0.fence) } + finals.map { ($0.jobID, $0.fence) } + progress.map { ($0.jobID, $0.fence) }) { a, _ in a }
            for (id, fence) in fences where state.jobs[id]?.fence != fence { refused.insert(id) }
            for item in items where !refused.contains(item.jobID) {
                if state.jobs[item.jobID]?.items[item.index]?.state == .done { continue }
                state.jobs[item.jobID]?.items[item.index] = Item(state: item.state, result: item.result, error: item.error)
                if let next = item.nextCursor { state.jobs[item.jobID]?.cursor = next }
            }
            for update in progress where !refused.contains(update.jobID) {
                state.jobs[update.jobID]?.progress.append(update.fraction ?? -1)
                state.progressWrites += 1
            }
            for final in finals where !refused.contains(final.jobID) {
                let cancelled = state.jobs[final.jobID]?.cancelRequested == true && final.state != .done
                state.jobs[final.jobID]?.state = cancelled ? .cancelled : final.state
            }
            let cancelRequested = Set(fences.keys.filter { !refused.contains($0) && state.jobs[$0]?.cancelRequested == true })
            return .success(CheckpointStore.Recording(refused: refused, cancelRequested: cancelRequested))
        }
        return try result.get()
    }

    /// Counts the calls; the fake keeps no ages, so it removes nothing, and names every dead or cancel-requested
    /// row as an orphan candidate.
    public func prune(_ retention: Retention, limit: Int) throws(PostgresError) -> CheckpointStore.Pruned {
        state.withLock { state in
            state.prunes += 1
            let candidates = state.jobs.filter { $0.value.state == .dead || $0.value.cancelRequested }.keys.sorted().prefix(limit)
            return CheckpointStore.Pruned(orphanCandidates: Array(candidates))
        }
    }

    /// Removes the named dead or cancel-requested rows.
    public func pruneOrphans(_ ids: [String]) throws(PostgresError) -> CheckpointStore.Pruned {
        state.withLock { state in
            var pruned = CheckpointStore.Pruned()
            for id in ids {
                guard let job = state.jobs[id], job.state == .dead || job.cancelRequested else { continue }
                pruned.jobs += 1
                pruned.items += job.items.count
                state.jobs[id] = nil
            }
            return pruned
        }
    }

    /// Progress rows written, over every commit.
    public var progressWrites: Int { state.withLock { $0.progressWrites } }

    /// How often a run pruned.
    public var prunes: Int { state.withLock { $0.prunes } }

    public func finishRun(_ runID: Int64, report: RunReport) throws(PostgresError) {
        state.withLock { $0.runs[runID] = .some(report) }
    }

    /// ``finishRun(_:report:)``, then ``prune(_:limit:)``.
    public func finishRun(_ runID: Int64, report: RunReport, thenPrune retention: Retention, limit: Int) -> (
        finished: PostgresError?, pruned: Result<CheckpointStore.Pruned, PostgresError>
    ) {
        state.withLock { $0.runs[runID] = .some(report) }
        return (nil, Result { () throws(PostgresError) in try prune(retention, limit: limit) })
    }
}
