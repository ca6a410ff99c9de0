import Logging

/// Step 4, complete: turns each job's verdict into the outcome its lease ends with, applying attempts
/// and backoff. Pure: no Redis, no PostgreSQL, no clock.
struct JobCompleter {
    /// A job's outcome and the state PostgreSQL records for it.
    struct Completion {
        let job: ActiveJob
        let outcome: JobQueue.Outcome
        var final: CheckpointStore.FinalState {
            CheckpointStore.FinalState(jobID: job.claimed.id, fence: job.claimed.fence, state: Self.state(of: outcome))
        }

        /// The `tick_jobs` state of an outcome.
        static func state(of outcome: JobQueue.Outcome) -> CheckpointState {
            switch outcome {
            case .done: .done
            case .dead: .dead
            case .retry: .retrying
            case .release: .released
            case .cancel: .cancelled
            }
        }
    }

    /// The outcome of one job, or `nil` when its lease was lost (another run owns it: nothing to acknowledge).
    /// - Parameter random: the source of the backoff's jitter.
    static func outcome(of job: ActiveJob, using random: inout some RandomNumberGenerator) -> JobQueue.Outcome? {
        switch job.verdict {
        case .lost?:
            return nil
        case .dead(let reason)?:
            return .dead(reason: reason)
        case .retry(let reason, let after)?:
            if job.claimed.attempt >= job.spec.maxAttempts {
                return .dead(reason: "attempts exhausted (\(job.claimed.attempt) of \(job.spec.maxAttempts)): \(reason)")
            }
            let delay = after.map { Int($0.milliseconds) } ?? job.spec.backoff.delay(after: job.claimed.attempt, using: &random)
            return .retry(delayMilliseconds: delay, error: reason)
        case .release?:
            return .release
        case .cancelled?:
            return job.isComplete ? .done : .cancel
        case nil:
            return job.isComplete ? .done : .release
        }
    }

    /// The completions of every job whose lease this run still holds; lost ones are counted and logged.
    func run(_ jobs: [ActiveJob], _ ledger: inout RunLedger) -> [Completion] {
        var random = SystemRandomNumberGenerator()
        var completions: [Completion] = []
        for job in jobs {
            guard let outcome = Self.outcome(of: job, using: &random) else {
                ledger.report.jobsLost += 1
                ledger.logger.warning(
                    "job taken over by another run: its lease had expired; this run's late work was discarded", metadata: ["job.id": "\(job.claimed.id)"])
                continue
            }
            completions.append(Completion(job: job, outcome: outcome))
        }
        return completions
    }
}
