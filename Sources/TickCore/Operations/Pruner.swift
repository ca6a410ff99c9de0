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
        repeat {
            let (count, ids) = try await queue.expireDeadLetters(before: cutoff, limit: batch, dryRun: report.dryRun)
            report.deadLetters += count
            let pruned = try store.pruneDeadJobs(ids, dryRun: false)
            report.deadCheckpoints += pruned.jobs
            report.deadItems += pruned.items
            if report.dryRun || count < batch { return }
        } while true
    }
}
