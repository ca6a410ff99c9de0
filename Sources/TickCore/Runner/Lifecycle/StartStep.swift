import Logging

/// Step 2, start: opens the checkpoint store (bounded by the time left), decodes each claimed job (a malformed
/// job or an unknown handler is dead-lettered with the reason), then records the run's start, checks the schema,
/// takes the jobs over in PostgreSQL and loads their checkpoints, in one statement. If PostgreSQL cannot be had,
/// every claimed job is handed back in one request.
struct StartStep {
    let checkpoints: any CheckpointConnecting
    let registry: HandlerRegistry

    /// What a started run works on.
    struct Started {
        let store: any CheckpointRecording
        let runID: Int64
        /// Jobs with work to do, their checkpoints applied.
        let active: [ActiveJob]
        /// Jobs dead-lettered before any item ran (malformed, unknown handler).
        let rejected: [JobQueue.Acknowledgement]
    }

    /// Starts the run, or returns `nil` after handing the jobs back (the ledger then holds the failure).
    func run(_ claim: JobQueue.Claim, _ ledger: inout RunLedger) async -> Started? {
        // The time left before the work deadline, at most 5 s (the connector raises it to libpq's 2 s minimum).
        let timeout = max(.milliseconds(100), min(.seconds(5), ledger.clock.now.duration(to: ledger.workDeadline)))
        let store: any CheckpointRecording
        let runID: Int64
        do {
            store = try await checkpoints.open(timeout: timeout)
        } catch {
            return await handBack(claim, error, &ledger)
        }
        do {
            let (active, rejected) = decode(claim.jobs)
            let beginning = ledger.clock.now
            let run = CheckpointStore.RunStart(
                trigger: ledger.options.trigger, schedule: ledger.options.schedule, budgetMilliseconds: ledger.report.budgetMilliseconds,
                claimed: claim.jobs.count, startedAtUnixMilliseconds: ledger.report.startedAtUnixMilliseconds)
            let loaded: [String: CheckpointStore.Checkpoint]
            (runID, loaded) = try await store.start(run, jobs: active.map(\.start))
            ledger.report.runID = runID
            ledger.logger.trace("postgres statement", metadata: ["op": "start", "jobs": "\(active.count)", "ms": "\(Int(beginning.duration(to: ledger.clock.now).milliseconds))"])
            for job in active {
                if let checkpoint = loaded[job.claimed.id] {
                    job.resume(from: checkpoint)
                    if checkpoint.cancelRequested { job.stop(.cancelled) }
                } else {
                    job.stop(.lost)
                }
                ledger.logger.debug(
                    "job started",
                    metadata: [
                        "job.id": "\(job.claimed.id)", "handler": "\(job.spec.handler)", "attempt": "\(job.claimed.attempt)",
                        "items.done_before": "\(job.done.count)", "lease": "\(loaded[job.claimed.id] == nil ? "lost" : "held")",
                    ])
            }
            return Started(store: store, runID: runID, active: active, rejected: rejected)
        } catch {
            checkpoints.close(store)
            return await handBack(claim, error, &ledger)
        }
    }

    /// Splits the claimed jobs into those that can run and those to dead-letter, with the reason.
    func decode(_ jobs: [JobQueue.ClaimedJob]) -> (active: [ActiveJob], rejected: [JobQueue.Acknowledgement]) {
        var active: [ActiveJob] = []
        var rejected: [JobQueue.Acknowledgement] = []
        for claimed in jobs {
            do {
                let spec = try JobSpec(json: claimed.json)
                guard let entry = registry[spec.handler] else {
                    let known = registry.names.isEmpty ? "none" : registry.names.joined(separator: ", ")
                    let reason = "unknown handler \"\(spec.handler)\": configure it in the worker's config (known: \(known))"
                    rejected.append(.init(job: claimed, outcome: .dead(reason: reason)))
                    continue
                }
                active.append(ActiveJob(claimed: claimed, spec: spec, entry: entry))
            } catch {
                rejected.append(.init(job: claimed, outcome: .dead(reason: "malformed job: \(error.reason)")))
            }
        }
        return (active, rejected)
    }

    private func handBack(_ claim: JobQueue.Claim, _ error: PostgresError, _ ledger: inout RunLedger) async -> Started? {
        await ledger.handBack(claim.jobs)
        let reason: RunExitReason = error.exitCode == .schemaMismatch ? .schemaMismatch : .postgresUnavailable
        _ = ledger.fail(error, reason: reason)
        return nil
    }
}
