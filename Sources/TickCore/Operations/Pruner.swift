/// Applies a ``Retention`` (`tick prune`): finished jobs and their item records, old runs, and dead letters
/// past their age (in Redis, then their checkpoints), each in bounded batches. A job that is still queued keeps
/// its checkpoint whatever its age.
public struct Pruner: Sendable {
    /// What was removed (or, for a dry run, would be).
    public struct Report: Sendable, Equatable {
        public var finishedJobs = 0
        public var finishedItems = 0
        public var runs = 0
        public var deadLetters = 0
        public var deadCheckpoints = 0
        public var deadItems = 0
        /// Cancelled jobs removed from Redis (their checkpoints go with the finished jobs).
        public var cancelledJobs = 0
        /// Checkpoints of dead or cancelled jobs whose record had left Redis (a claim's retention sweep).
        public var orphanCheckpoints = 0
        public var dryRun = false

        /// An empty report.
        public init(dryRun: Bool = false) { self.dryRun = dryRun }
    }

    /// Rows or dead letters removed per statement or request: each takes a few milliseconds.
    public static let defaultBatch = 1_000

    public let queue: JobQueue
    public let store: CheckpointStore
    public let retention: Retention
    public let batch: Int

    /// A pruner over a queue (for dead letters) and a checkpoint store.
    public init(queue: JobQueue, store: CheckpointStore, retention: Retention, batch: Int = Pruner.defaultBatch) {
        self.queue = queue
        self.store = store
        self.retention = retention
        self.batch = max(1, batch)
    }

    /// Prunes everything past its age; with `dryRun`, counts it and removes nothing.
    /// - Parameter nowMilliseconds: the wall clock (Unix ms) dead letters' ages are measured from.
    /// - Throws: ``PostgresError`` or ``UpstashError`` (each a ``TickError``): what was removed before stays removed.
    public func run(nowMilliseconds: Int64, dryRun: Bool) async throws -> Report {
        var report = Report(dryRun: dryRun)
        try pruneFinished(&report)
        try pruneRuns(&report)
        try await pruneDeadLetters(&report, nowMilliseconds: nowMilliseconds)
        if !dryRun { try await pruneOrphans(&report) }
        return report
    }

    private func pruneFinished(_ report: inout Report) throws(PostgresError) {
        repeat {
            let pruned = try store.pruneFinishedJobs(olderThan: retention.finishedJobs, limit: batch, dryRun: report.dryRun)
            report.finishedJobs += pruned.jobs
            report.finishedItems += pruned.items
            if report.dryRun || pruned.jobs < batch { return }
        } while true
    }

    private func pruneRuns(_ report: inout Report) throws(PostgresError) {
        repeat {
            let pruned = try store.pruneRuns(olderThan: retention.runs, limit: batch, dryRun: report.dryRun)
            report.runs += pruned.runs
            if report.dryRun || pruned.runs < batch { return }
        } while true
    }

    /// Redis first, then the checkpoints of the ids Redis removed: a checkpoint is never removed while its dead
    /// letter could still be retried.
    private func pruneDeadLetters(_ report: inout Report, nowMilliseconds: Int64) async throws {
        let cutoff = nowMilliseconds - Int64(retention.deadLetters.milliseconds)
        let cancelledCutoff = nowMilliseconds - Int64(retention.finishedJobs.milliseconds)
        repeat {
            let expired = try await queue.expire(deadBefore: cutoff, cancelledBefore: cancelledCutoff, limit: batch, dryRun: report.dryRun)
            report.deadLetters += expired.dead
            report.cancelledJobs += expired.cancelled
            let pruned = try store.pruneDeadJobs(expired.deadIDs, dryRun: false)
            report.deadCheckpoints += pruned.jobs
            report.deadItems += pruned.items
            if report.dryRun || (expired.dead < batch && expired.cancelled < batch) { return }
        } while true
    }

    /// Checkpoints of dead or cancel-requested jobs whose Redis record is gone: candidates from PostgreSQL, then
    /// one request for which Redis no longer has, a batch at a time.
    private func pruneOrphans(_ report: inout Report) async throws {
        var seen = Set<String>()
        repeat {
            let candidates = try store.orphanCandidates(olderThan: min(retention.deadLetters, retention.finishedJobs), limit: batch)
                .filter { seen.insert($0).inserted }
            guard !candidates.isEmpty else { return }
            let gone = try await queue.missing(candidates)
            let pruned = try store.pruneOrphans(candidates.filter { gone.contains($0) })
            report.orphanCheckpoints += pruned.jobs
            report.deadItems += pruned.items
            if candidates.count < batch { return }
        } while true
    }
}
