import TickCore

/// `pages`: a cursor job that pages through a catalog of numbered records, one page per call, as a sync from
/// a paginated API would. The cursor is the offset of the next page; each page's result is
/// `{"first": …, "last": …, "count": …, "sum": …}`; the last page ends the job.
///
/// A run that is killed resumes at the first page whose result was not recorded: the cursor is stored with
/// each finished page, so no page is skipped, and at most the page in flight is fetched twice.
public struct PagesHandler: JobHandler {
    /// Records in the catalog (numbered from 1).
    public var catalogSize: Int
    /// Records per page.
    public var pageSize: Int

    /// Makes the handler.
    /// - Parameters:
    ///   - catalogSize: records in the catalog.
    ///   - pageSize: records per page (at least 1).
    public init(catalogSize: Int, pageSize: Int) {
        self.catalogSize = catalogSize
        self.pageSize = max(1, pageSize)
    }

    /// Fetches the page at the cursor and returns the next cursor, or `nil` after the last page.
    /// - Parameters:
    ///   - input: the page's number and cursor (`nil`: the first page).
    ///   - context: the job's context.
    public func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome {
        guard case .page(let number, let cursor) = input else {
            return .failed(reason: "pages is a cursor job: enqueue with --cursor \"\" (from the beginning)")
        }
        guard let offset = cursor.map({ Int($0) }) ?? 0, offset >= 0 else {
            return .failed(reason: "page \(number): the cursor \(cursor ?? "") is not an offset")
        }
        if Task.isCancelled { return .retryLater(reason: "cancelled", after: nil) }
        let first = offset + 1
        let last = min(offset + pageSize, catalogSize)
        let records = first <= last ? Array(first...last) : []
        context.progress.report(completed: last, total: catalogSize)
        let next = last < catalogSize ? String(last) : nil
        return .page(
            next: next,
            result: .object([
                "first": .integer(Int64(first)), "last": .integer(Int64(last)), "count": .integer(Int64(records.count)),
                "sum": .integer(Int64(records.reduce(0, +))),
            ]))
    }
}
