/// What an enqueue does when a job with the same `unique_key` is waiting (ready or delayed) or running in the
/// same queue (docs/flow-control.md).
public enum UniquePolicy: String, Sendable, Hashable, CaseIterable {
    /// The new job is a duplicate (reported as not enqueued, like an id already used).
    case reject
    /// The new job replaces the waiting one (which ends cancelled, "superseded by" the new id); behind a running
    /// one it waits until that one ends: one running plus one waiting at most, the latest payload kept.
    case replace
    /// As `replace`, and the job starts only once the key has been quiet for `debounce_ms` (each enqueue pushes
    /// it back), at most `debounce_max_ms` after the first enqueue of the burst.
    case debounce
    /// Schedules' `"overlap": "queue_one"`: behind a running job one waits; while one waits, a new one is dropped.
    case queueOne = "queue_one"
}

/// What a schedule does with a slot whose previous job is still waiting or running (tick.json `"overlap"`).
public enum ScheduleOverlap: String, Sendable, Hashable, CaseIterable {
    /// Every slot's job is enqueued, whatever the previous one does (the default).
    case allow
    /// The slot is skipped (and logged) while the previous job is ready, delayed or running.
    case skip
    /// At most one waits behind the running one; further slots are skipped.
    case queueOne = "queue_one"

    /// The unique policy the claim script applies to the slot's job (`nil` for ``allow``).
    public var uniquePolicy: UniquePolicy? {
        switch self {
        case .allow: nil
        case .skip: .reject
        case .queueOne: .queueOne
        }
    }
}
