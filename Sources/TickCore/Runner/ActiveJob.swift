/// One claimed job during a run: what is done, what is in flight, and how its lease will end.
///
/// Owned by the run's task alone (not `Sendable`): handlers run in child tasks and report back by value.
final class ActiveJob {
    let claimed: JobQueue.ClaimedJob
    let spec: JobSpec
    let entry: HandlerRegistry.Entry
    /// Items (or pages) done, from the checkpoint and this run.
    var done: Set<Int> = []
    /// Items of this job running now.
    var inFlight = 0
    /// The next item index to consider.
    private var nextIndex = 0
    /// Cursor job: the next page's cursor, and whether the last page is done.
    var cursor: String?
    var cursorFinished = false
    /// Set when the job must start nothing more: its outcome (retry, dead) or a lost lease.
    var verdict: JobVerdict?

    init(claimed: JobQueue.ClaimedJob, spec: JobSpec, entry: HandlerRegistry.Entry) {
        self.claimed = claimed
        self.spec = spec
        self.entry = entry
        if case .cursor(let start) = spec.work { cursor = start }
    }

    /// Applies a checkpoint loaded from PostgreSQL.
    func resume(from checkpoint: CheckpointStore.Checkpoint) {
        done = checkpoint.doneItems
        switch spec.work {
        case .items: break
        case .cursor:
            if !done.isEmpty || checkpoint.cursor != nil { cursor = checkpoint.cursor }
            if checkpoint.state == .done || (!done.isEmpty && checkpoint.cursor == nil) { cursorFinished = true }
        }
        if checkpoint.state == .done, case .items(let items) = spec.work { done = Set(items.indices) }
    }

    /// Whether every item (or the last page) is done.
    var isComplete: Bool {
        switch spec.work {
        case .items(let items): done.count >= items.count
        case .cursor: cursorFinished
        }
    }

    /// Whether the job still has items (or pages) that no run of this process has started: false once
    /// everything is started or done, so the run stops visiting it.
    var hasWorkToStart: Bool {
        switch spec.work {
        case .items(let items):
            while nextIndex < items.count, done.contains(nextIndex) { nextIndex += 1 }
            return nextIndex < items.count
        case .cursor:
            return !cursorFinished
        }
    }

    /// The next input to start, if the job may start one now.
    func nextInput() -> HandlerInput? {
        guard verdict == nil, inFlight < spec.itemConcurrency else { return nil }
        switch spec.work {
        case .items(let items):
            while nextIndex < items.count, done.contains(nextIndex) { nextIndex += 1 }
            guard nextIndex < items.count else { return nil }
            defer { nextIndex += 1 }
            return .item(index: nextIndex, payload: items[nextIndex])
        case .cursor:
            guard inFlight == 0, !cursorFinished else { return nil }
            return .page(number: done.count, cursor: cursor)
        }
    }

    /// Where the job starts in PostgreSQL: its fence, items and first cursor.
    var start: CheckpointStore.JobStart {
        CheckpointStore.JobStart(
            id: claimed.id, queue: claimed.queue, handler: spec.handler, fence: claimed.fence, itemsTotal: spec.itemCount,
            attempt: claimed.attempt, startCursor: cursor)
    }

    /// Stops the job with a verdict, unless it has one already.
    func stop(_ verdict: JobVerdict) {
        if self.verdict == nil { self.verdict = verdict }
    }
}
