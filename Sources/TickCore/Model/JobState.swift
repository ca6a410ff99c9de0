/// A job's state in Redis (the `state` field of its hash), as `tick job`, the dashboard and the scripts use it.
///
/// ```
/// enqueue ─▶ ready ◀──────── release (budget) / delayed due / lease expired
///   │          │ claim
///   ▼          ▼
/// delayed ◀─ leased ─▶ done (kept for the dedup window)
///  (retry)     └──────▶ dead (attempts exhausted, permanent failure, malformed)
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
}

/// An item's state in PostgreSQL (`tick_items.state`).
public enum ItemState: String, Sendable, Codable, CaseIterable {
    /// The handler finished it; a later run never runs it again.
    case done
    /// The handler failed it permanently (its job was dead-lettered).
    case failed
}
