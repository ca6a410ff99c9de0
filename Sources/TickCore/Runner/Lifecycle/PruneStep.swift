import Logging

/// Step 8, prune: in every run that claimed work (``TickRunner/pruneEveryRuns``), after the acknowledgement, the
/// statement that records the run's row also removes a small batch of finished jobs and old runs and names the dead or
/// cancelled jobs old enough that Redis may have dropped them (a claim sweeps those past their age); only when
/// there are such candidates, one Redis request says which are gone and one statement removes their
/// checkpoints. A failure is logged, never the run's: retention can wait for the next run.
struct PruneStep {
    /// Goes on from the first statement's outcome (step 7 sent it with the run's row).
    func run(
        after first: Result<CheckpointStore.Pruned, PostgresError>, store: any CheckpointRecording, queue: any JobQueueing, _ logger: Logger,
        clock: any TickClock
    ) async {
        let started = clock.now
        do {
            var pruned = try first.get()
            let candidates = pruned.orphanCandidates
            if !candidates.isEmpty {
                let gone = try await queue.missing(candidates)
                let orphans = try await store.pruneOrphans(candidates.filter { gone.contains($0) })
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
