import Logging

/// Step 7, report: the exit reason (completed, budget, interrupted) and the run's row in `tick_runs`; in a run that
/// prunes, in the same statement as step 8's first (``CheckpointRecording/finishRun(_:report:thenPrune:limit:)``).
struct ReportStep {
    /// The finished report, recorded in PostgreSQL (a failure to record it is logged, not fatal), and the prune's
    /// outcome when `prune` asked for one.
    func run(
        store: any CheckpointRecording, runID: Int64, stoppedEarly: Bool, prune: (retention: Retention, limit: Int)?, _ ledger: inout RunLedger
    ) async -> (report: RunReport, pruned: Result<CheckpointStore.Pruned, PostgresError>?) {
        if Task.isCancelled {
            ledger.report.exitReason = .interrupted
            ledger.report.exitCode = Int(TickExitCode.interrupted.rawValue)
        } else if stoppedEarly {
            ledger.report.exitReason = .budget
        }
        let report = await ledger.finish()
        let recording = ledger.clock.now
        defer { ledger.logger.trace("postgres statement", metadata: ["op": "finish_run", "ms": "\(Int(recording.duration(to: ledger.clock.now).milliseconds))"]) }
        var finished: PostgresError?
        var pruned: Result<CheckpointStore.Pruned, PostgresError>?
        if let prune {
            (finished, pruned) = await store.finishRun(runID, report: report, thenPrune: prune.retention, limit: prune.limit)
        } else {
            do { try await store.finishRun(runID, report: report) } catch { finished = error }
        }
        if let finished { ledger.logger.warning("could not record the run's end", metadata: ["error": "\(finished.description)"]) }
        return (report, pruned)
    }
}
