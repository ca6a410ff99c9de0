import Logging

/// Step 8, prune: once every ``TickRunner/pruneEveryRuns`` runs that claimed work, after the acknowledgement
/// and the run's row, removes a bounded batch of finished jobs and old runs (``CheckpointStore/prune(_:limit:)``).
/// A failure is logged, never the run's: retention can wait for the next time.
struct PruneStep {
    let retention: Retention
    let limit: Int

    func run(store: any CheckpointRecording, _ logger: Logger, clock: any TickClock) {
        let started = clock.now
        do {
            let pruned = try store.prune(retention, limit: limit)
            logger.debug(
                "pruned",
                metadata: [
                    "jobs": "\(pruned.jobs)", "items": "\(pruned.items)", "runs": "\(pruned.runs)",
                    "ms": "\(Int(started.duration(to: clock.now).milliseconds))",
                ])
        } catch {
            logger.warning("retention skipped this time: \(error.description)")
        }
    }
}
