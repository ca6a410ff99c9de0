/// Where a handler reports how far it got inside one item or page: a long item (a video to transcode, a
/// large export) can say "40 of 100" before it is done.
///
/// Today tick drops every report: ``HandlerContext/progress`` is ``ignored`` in every run, and reporting
/// costs nothing (no Redis request, no PostgreSQL write). It is part of the handler API now so that a later
/// version can show progress (in `tick job` or the dashboard) without changing your handler's code: call
/// ``report(completed:total:message:)`` where it is natural, and it starts to count when tick does.
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

    /// The reporter every run gives handlers today: it drops each report.
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
