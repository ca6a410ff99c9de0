import Logging

/// Step 8, prune: once every ``TickRunner/pruneEveryRuns`` runs that claimed work, after the acknowledgement
/// and the run's row, removes a bounded batch of finished jobs and old runs (``CheckpointStore/prune(_:limit:)``),
/// and the checkpoints of dead or cancelled jobs whose Redis record retention removed (a claim sweeps those past
/// their age): their candidates from PostgreSQL, then one Redis request for which are gone, only when there are
/// candidates. A failure is logged, never the run's: retention can wait for the next time.
struct PruneStep {
    let retention: Retention
    let limit: Int

    func run(store: any CheckpointRecording, queue: any JobQueueing, _ logger: Logger, clock: any TickClock) async {
        let started = clock.now
        do {
            var pruned = try store.prune(retention, limit: limit)
            let candidates = try store.orphanCandidates(olderThan: min(retention.deadLetters, retention.finishedJobs), limit: limit)
            if !candidates.isEmpty {
                let gone = try await queue.missing(candidates)
                let orphans = try store.pruneOrphans(candidates.filter { gone.contains($0) })
                pruned.jobs += orphans.jobs
                pruned.items += orphans.items
            }
            logger.debug(
                "pruned",
                metadata: [
                    "jobs": "\(pruned.jobs)", "items": "\(pruned.items)", "runs": "\(pruned.runs)", "orphan_candidates": "\(candidates.count)",
                    "ms": "\(Int(started.duration(to: clock.now).milliseconds))",
                ])
        } catch {
            logger.warning("retention skipped this time: \((error as? any TickError)?.description ?? "\(error)")")
        }
    }
}
