/// What a run tells an observer while it works (`tick drain`'s and `tick run`'s live progress line on a
/// terminal). Only what the run learns anyway: observing costs no request and no statement.
public enum RunEvent: Sendable, Equatable {
    /// The claim answered: jobs leased, and ready jobs of the run's handlers left behind (when the claim said).
    case claimed(jobs: Int, readyLeft: Int?)
    /// An item's handler returned: done, or failed (a permanent failure or one to retry).
    case itemFinished(failed: Bool)
    /// A job's lease ended with this outcome (acknowledged: done, retry, dead, release, cancel).
    case jobFinished(JobOutcomeKind)
}

/// The kind of outcome a job's lease ends with, without its details.
public enum JobOutcomeKind: String, Sendable, Equatable {
    case done, retry, dead, release, cancel
}

/// Receives a run's ``RunEvent``s, on the run's own task: it must return quickly (record, do not draw).
public typealias RunObserver = @Sendable (RunEvent) -> Void

extension JobQueue.Outcome {
    /// The outcome's kind, for logs and observers.
    public var kind: JobOutcomeKind {
        switch self {
        case .done: .done
        case .retry: .retry
        case .dead: .dead
        case .release: .release
        case .cancel: .cancel
        }
    }
}
