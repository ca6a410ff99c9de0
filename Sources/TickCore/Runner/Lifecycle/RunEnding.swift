import Logging

/// What is left of a run once its jobs are acknowledged: step 7's row in `tick_runs` and step 8's retention, then the
/// checkpoint store handed back. Nothing in it changes a job or the run's report.
///
/// A single run does it before it returns; `tick drain` does it beside the next run (``TickRunner/link(_:chain:)``), so
/// the statement that records one run's end and the one that starts the next overlap instead of waiting on each other.
public struct RunEnding: Sendable {
    let report: RunReport
    let store: any CheckpointRecording
    let runID: Int64
    let prune: (retention: Retention, limit: Int)?
    let checkpoints: any CheckpointConnecting
    let queue: any JobQueueing
    let logger: Logger
    let clock: any TickClock

    /// Records the run's end (and its retention batch), then hands the store back.
    public func run() async {
        let pruned = await ReportStep().record(report, store: store, runID: runID, prune: prune, logger: logger, clock: clock)
        if let pruned { await PruneStep().run(after: pruned, store: store, queue: queue, logger, clock: clock) }
        checkpoints.close(store)
    }
}
