import Synchronization

/// What handlers report within their items (``HandlerProgress``), kept until the next commit: per job, the last
/// fraction of each item in flight and the last message. A report wakes the run (``signals``) so that a
/// long item's progress is committed within one group-commit window even when no item finishes; however chatty
/// the handler, a job costs at most one progress write per commit (reports in between are coalesced).
final class ProgressBoard: Sendable {
    private struct Entry {
        var fractions: [Int: Double] = [:]
        var message: String?
        var dirty = false
    }

    private let entries = Mutex<[Int: Entry]>([:])
    /// Yields after each report (only the newest is buffered): the run's loop waits on it.
    let signals: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The reporter for item (or page) `item` of the job at `job`.
    func reporter(job: Int, item: Int) -> HandlerProgress {
        HandlerProgress { [self] update in
            let fraction = update.total.flatMap { $0 > 0 ? Double(update.completed) / Double($0) : nil }
            entries.withLock { entries in
                var entry = entries[job] ?? Entry()
                if let fraction { entry.fractions[item] = min(1, max(0, fraction)) }
                if let message = update.message { entry.message = message }
                entry.dirty = true
                entries[job] = entry
            }
            continuation.yield()
        }
    }

    /// Forgets an item's fraction once it is done (the job's items done count it whole from then on).
    func finish(job: Int, item: Int) {
        entries.withLock { _ = $0[job]?.fractions.removeValue(forKey: item) }
    }

    /// The jobs with reports since the last call: their fractions in flight (summed) and last message.
    func take() -> [Int: (inFlight: Double, message: String?)] {
        entries.withLock { entries in
            var out: [Int: (inFlight: Double, message: String?)] = [:]
            for (job, entry) in entries where entry.dirty {
                out[job] = (entry.fractions.values.reduce(0, +), entry.message)
                entries[job]?.dirty = false
            }
            return out
        }
    }

    /// Whether some report waits for a commit.
    var hasPending: Bool { entries.withLock { $0.values.contains { $0.dirty } } }

    /// Ends ``signals``.
    func close() { continuation.finish() }
}
