/// A job's state in Redis (the `state` field of its hash), as `tick job`, the dashboard and the scripts use it.
///
/// ```
/// enqueue ─▶ ready ◀──────── release (budget) / delayed due / lease expired
///   │          │ claim
///   ▼          ▼
/// delayed ◀─ leased ─▶ done (kept for the dedup window)
///  (retry)     ├──────▶ dead (attempts exhausted, permanent failure, malformed)
///              └──────▶ cancelled (`tick cancel`; also straight from ready or delayed)
/// ```
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Waiting to be claimed.
    case ready
    /// Waiting for its run-at time (a scheduled job, or a retry's backoff).
    case delayed
    /// Claimed by a run until its lease expires.
    case leased
    /// Every item finished; the record stays for the dedup window.
    case done
    /// In the dead-letter set, with the reason in `error`.
    case dead
    /// Cancelled by `tick cancel` (or the dashboard): in the queue's cancelled set, never run again; kept
    /// as long as finished jobs (``Retention/finishedJobs``).
    case cancelled
}

/// A job's state in PostgreSQL (`tick_jobs.state`): what the last run that held it recorded.
public enum CheckpointState: String, Sendable, Codable, CaseIterable {
    /// A run holds it (or held it and died: the next claim resumes it).
    case running
    /// Every item finished.
    case done
    /// Handed back for a retry after backoff.
    case retrying
    /// Dead-lettered.
    case dead
    /// Handed back unfinished at the end of a run's budget.
    case released
    /// Cancelled: what finished stays recorded; nothing more runs.
    case cancelled
}

/// An item's state in PostgreSQL (`tick_items.state`).
public enum ItemState: String, Sendable, Codable, CaseIterable {
    /// The handler finished it; a later run never runs it again.
    case done
    /// The handler failed it permanently (its job was dead-lettered).
    case failed
}
