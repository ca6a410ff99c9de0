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
    /// Items that failed this run and may succeed on a later attempt (index → reason), and the longest
    /// `Retry-After` among them. They are not started again in this run.
    private(set) var retryableFailures: [Int: String] = [:]
    private(set) var retryAfter: Duration?
    /// Items that failed for good this run (index → reason): the job ends dead once the run is over.
    private(set) var permanentFailures: [Int: String] = [:]

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

    /// Notes an item's failure. The job's other items go on, unless the job stops on failure: its handler's
    /// `stop_on_failure`, a cursor job (its pages depend on each other), or a retry with a `Retry-After` (the
    /// endpoint asked for a pause, so the job's other calls wait too).
    func fail(item index: Int, reason: String, permanent: Bool, after: Duration? = nil) {
        let stops: Bool
        switch spec.work {
        case .items: stops = entry.stopOnFailure || after != nil
        case .cursor: stops = true
        }
        if permanent { permanentFailures[index] = reason } else { retryableFailures[index] = reason }
        if let after { retryAfter = max(retryAfter ?? .zero, after) }
        if stops { stop(closingVerdict ?? .release) }
    }

    /// The verdict the job's failures call for, once nothing more runs: dead when an item failed for good,
    /// a retry when one may succeed later, `nil` without failures.
    var closingVerdict: JobVerdict? {
        if !permanentFailures.isEmpty { return .dead(reason: Self.describe(permanentFailures, single: { "item \($0) failed: " })) }
        if !retryableFailures.isEmpty { return .retry(reason: Self.describe(retryableFailures, single: { "item \($0): " }), after: retryAfter) }
        return nil
    }

    /// Most characters of a reason listing several failed items.
    static let maximumReasonLength = 4_000

    /// `item 3: reason`, or `items 1, 3 failed: item 1: reason; item 3: reason` (cut to ``maximumReasonLength``).
    private static func describe(_ failures: [Int: String], single: (Int) -> String) -> String {
        let indexes = failures.keys.sorted()
        if indexes.count == 1, let index = indexes.first { return single(index) + (failures[index] ?? "") }
        let text = "items \(indexes.map(String.init).joined(separator: ", ")) failed: " + indexes.map { "item \($0): \(failures[$0] ?? "")" }.joined(separator: "; ")
        return text.count > maximumReasonLength ? String(text.prefix(maximumReasonLength - 1)) + "…" : text
    }

    /// Stops the job with a verdict, unless it has one already.
    func stop(_ verdict: JobVerdict) {
        if self.verdict == nil { self.verdict = verdict }
    }
}
