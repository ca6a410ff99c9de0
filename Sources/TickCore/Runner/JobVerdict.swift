/// How a claimed job's lease ends, as the run decides it while working (before attempts and backoff are
/// applied by ``JobCompleter``). A job without a verdict at the end of a run either finished every item
/// (done) or was cut off by the budget (released).
public enum JobVerdict: Sendable, Equatable {
    /// A transient failure: run it again later, after `after` or the job's backoff.
    case retry(reason: String, after: Duration?)
    /// A permanent failure: dead-letter it with the reason.
    case dead(reason: String)
    /// Unfinished: hand it back at once, the attempt not counted.
    case release
    /// `tick cancel` asked for it to stop: start nothing more, end the lease as cancelled.
    case cancelled
    /// Another run took it over (its lease had expired): this run's outcome is void.
    case lost
}
