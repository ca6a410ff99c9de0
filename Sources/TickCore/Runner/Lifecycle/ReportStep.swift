import Logging

/// Step 7, report: the exit reason (completed, budget, interrupted), then the run's row in `tick_runs` (``RunEnding``);
/// in a run that prunes, in the same statement as step 8's first (``CheckpointRecording/finishRun(_:report:thenPrune:limit:)``).
struct ReportStep {
    /// The finished report: the exit reason (interrupted, budget, completed) and the run's usage and duration.
    func conclude(stoppedEarly: Bool, _ ledger: inout RunLedger) -> RunReport {
        if Task.isCancelled {
            ledger.report.exitReason = .interrupted
            ledger.report.exitCode = Int(TickExitCode.interrupted.rawValue)
        } else if stoppedEarly {
            ledger.report.exitReason = .budget
        }
        return ledger.finish()
    }

    /// Records `report` in PostgreSQL (a failure is logged, not fatal); returns the prune's outcome when `prune` asked
    /// for one.
    func record(
        _ report: RunReport, store: any CheckpointRecording, runID: Int64, prune: (retention: Retention, limit: Int)?, logger: Logger, clock: any TickClock
    ) async -> Result<CheckpointStore.Pruned, PostgresError>? {
        let recording = clock.now
        defer { logger.trace("postgres statement", metadata: ["op": "finish_run", "ms": "\(Int(recording.duration(to: clock.now).milliseconds))"]) }
        var finished: PostgresError?
        var pruned: Result<CheckpointStore.Pruned, PostgresError>?
        if let prune {
            (finished, pruned) = await store.finishRun(runID, report: report, thenPrune: prune.retention, limit: prune.limit)
        } else {
            do { try await store.finishRun(runID, report: report) } catch { finished = error }
        }
        if let finished { logger.warning("could not record the run's end", metadata: ["error": "\(finished.description)"]) }
        return pruned
    }
}
