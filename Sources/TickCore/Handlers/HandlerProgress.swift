/// Where a handler reports how far it got inside one item or page: a long item (a video to transcode, a
/// large export) can say "40 of 100" before it is done.
///
/// A run passes each item its own reporter: reports are kept in memory and written to the job's row in
/// PostgreSQL (`tick_jobs.progress`, `progress_message`; the `tick_job_status` view) with the run's next group
/// commit, at most one write per job per commit window however often you report, and no Redis request. The job's
/// progress is its items done plus what the items in flight reported, over its items. Call
/// ``report(completed:total:message:)`` where it is natural.
public struct HandlerProgress: Sendable {
    /// One report: `completed` of `total` units (items, bytes, rows: the handler's choice).
    public struct Update: Sendable, Hashable {
        /// Units done so far.
        public var completed: Int
        /// Units in all, when known.
        public var total: Int?
        /// A short human-readable note ("uploading"), if any.
        public var message: String?

        /// Makes a report.
        /// - Parameters:
        ///   - completed: units done so far.
        ///   - total: units in all, when known.
        ///   - message: a short note, if any.
        public init(completed: Int, total: Int? = nil, message: String? = nil) {
            self.completed = completed
            self.total = total
            self.message = message
        }
    }

    private let sink: @Sendable (Update) -> Void

    /// A reporter that hands each update to `sink` (for tests of your handler, or a runner that shows progress).
    /// - Parameter sink: called once per report, on the handler's task; it must return quickly.
    public init(_ sink: @escaping @Sendable (Update) -> Void) { self.sink = sink }

    /// A reporter that drops each report (a context made outside a run).
    public static let ignored = HandlerProgress { _ in }

    /// Reports progress within the current item or page.
    /// - Parameters:
    ///   - completed: units done so far.
    ///   - total: units in all, when known.
    ///   - message: a short note, if any.
    public func report(completed: Int, total: Int? = nil, message: String? = nil) {
        sink(Update(completed: completed, total: total, message: message))
    }
}
