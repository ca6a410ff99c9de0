import Logging

/// Step 7, report: the exit reason (completed, budget, interrupted) and the run's row in `tick_runs`.
struct ReportStep {
    /// The finished report, recorded in PostgreSQL (a failure to record it is logged, not fatal).
    func run(store: any CheckpointRecording, runID: Int64, stoppedEarly: Bool, _ ledger: inout RunLedger) async -> RunReport {
        if Task.isCancelled {
            ledger.report.exitReason = .interrupted
            ledger.report.exitCode = Int(TickExitCode.interrupted.rawValue)
        } else if stoppedEarly {
            ledger.report.exitReason = .budget
        }
        let report = await ledger.finish()
        let recording = ledger.clock.now
        defer { ledger.logger.trace("postgres statement", metadata: ["op": "finish_run", "ms": "\(Int(recording.duration(to: ledger.clock.now).milliseconds))"]) }
        do { try await store.finishRun(runID, report: report) } catch {
            ledger.logger.warning("could not record the run's end", metadata: ["error": "\(error.description)"])
        }
        return report
    }
}
