import Hummingbird
import TickCore

/// A job's page: its Redis record (1 request) and its checkpoint and items in PostgreSQL, a page of items at a time.
extension DashboardResponder {
    /// Items per page.
    static let itemsPerPage = 50
    /// Most bytes of a job's JSON the page shows (a job may be up to 1 MiB).
    static let maximumSpecBytes = 64 * 1024

    func jobPage(_ query: DashboardJobQuery, page: DashboardPage) async throws(DashboardError) -> Response {
        let id = String((query.id ?? "").trimmingCharacters(in: " ").prefix(200))
        guard !id.isEmpty else { return DashboardHTML.message(.badRequest, base: base, title: "No job id", "Give a job id: /job?id=ID.") }
        let (record, usage) = try await redis.withQueue { queue throws(DashboardError) in
            do throws(UpstashError) { return try await queue.dashboardJob(id, maximumSpecBytes: Self.maximumSpecBytes) } catch { throw .redis(error) }
        }
        let failedOnly = query.failed == "1"
        let after = max(-1, DashboardQueryForms.integer(query.after) ?? -1)
        let pageNumber = min(max(1, DashboardQueryForms.integer(query.page) ?? 1), 10_000_000)
        let spec = record.flatMap { $0.specComplete ? try? JSONValue(parsing: Array($0.spec.utf8)) : nil }
        let isCursorJob = spec?["cursor"] != nil && spec?["items"] == nil
        let specItems: Int? = if case .array(let items)? = spec?["items"] { items.count } else { nil }

        let (summary, items, total) = try await store.with { connection throws(PostgresError) in
            let summary = try CheckpointStore(connection: connection).summary(of: id)
            let total = summary?.itemsTotal ?? specItems ?? summary.map { $0.itemsDone + $0.itemsFailed }
            let items: [DashboardStore.Item]
            if failedOnly {
                items = try DashboardStore.failedItems(connection, jobID: id, after: after, limit: Self.itemsPerPage)
            } else {
                let start = (pageNumber - 1) * Self.itemsPerPage
                items = try DashboardStore.items(connection, jobID: id, range: start..<(start + Self.itemsPerPage))
            }
            return (summary, items, total)
        }
        let encodedID = DashboardForm.encode(id)
        let jobHref = "\(base)/job?id=\(encodedID)"
        let keyInfix = isCursorJob ? "page:" : ""
        var values: [String: Any] = ["id": id, "found": record != nil || summary != nil]
        let fields = record?.fields ?? [:]
        values["state"] = fields["state"] ?? (record == nil ? "not in Redis" : "?")
        values["queue"] = fields["queue"] ?? spec?["queue"]?.stringValue ?? "?"
        values["handler"] = spec?["handler"]?.stringValue ?? fields["handler"] ?? "?"
        values["attempt"] = fields["attempt"] ?? summary.map { String($0.attempt) } ?? "?"
        values["maxAttempts"] = fields["max_attempts"] ?? "?"
        values["enqueuedAt"] = Self.time(fields["enqueued_at"], now: page.now)
        values["updatedAt"] = Self.time(fields["updated_at"], now: page.now)
        values["leaseUntil"] = fields["state"] == JobState.leased.rawValue ? Self.time(fields["lease_until"], now: page.now) : false
        values["schedule"] = fields["schedule"] ?? false
        values["slot"] = Self.time(fields["slot"], now: page.now)
        values["error"] = fields["error"].flatMap { $0.isEmpty ? nil : $0 } ?? false
        values["checkpointState"] = summary?.state ?? false
        values["fence"] = summary.map { String($0.fence) } ?? ""
        values["cursor"] = summary?.cursor ?? false
        values["lastFailure"] = summary?.lastFailure?.error ?? false
        values["lastFailureIndex"] = summary?.lastFailure?.index ?? 0
        let done = summary?.itemsDone ?? 0
        let failed = summary?.itemsFailed ?? 0
        values["done"] = done
        values["failed"] = failed
        values["total"] = total ?? false
        values["unit"] = isCursorJob ? "pages" : "items"
        values["keyInfix"] = keyInfix
        values["progressBar"] = Self.progressBar(done: done, failed: failed, total: total ?? max(1, done + failed))
        values["failedOnly"] = failedOnly
        values["allHref"] = jobHref
        values["failedHref"] = jobHref + "&failed=1"
        values["hasItems"] = !items.isEmpty || (!failedOnly && total.map { $0 > (pageNumber - 1) * Self.itemsPerPage } == true)
        values["items"] = Self.itemRows(items, failedOnly: failedOnly, pageNumber: pageNumber, total: total, id: id, keyInfix: keyInfix, now: page.now)
        values.merge(Self.pagination(failedOnly: failedOnly, after: after, items: items, pageNumber: pageNumber, total: total, jobHref: jobHref)) { $1 }
        if let record, record.specBytes == 0, let shed = fields["spec_bytes"] {
            values["spec"] = "(the payload, \(DashboardFormat.bytes(Int(shed) ?? 0)), was shed when the job finished: Redis keeps a tombstone for the dedup window)"
            values["specComplete"] = true
        } else if let record {
            values["spec"] = spec.map { DashboardJSON.pretty($0) } ?? record.spec
            values["specComplete"] = record.specComplete
            values["specShown"] = DashboardFormat.bytes(record.spec.utf8.count)
            values["specSize"] = DashboardFormat.bytes(record.specBytes)
        } else {
            values["spec"] = "(not in Redis: a finished job's record is kept for 24 hours)"
            values["specComplete"] = true
        }
        let state = fields["state"].flatMap(JobState.init(rawValue:))
        values["cancellable"] = state == .ready || state == .delayed || (state == .leased && fields["cancel"] == nil)
        values["cancelRequested"] = state == .leased && fields["cancel"] != nil
        let context = page.context(
            title: "Job \(id)", section: nil, usage: usage, bound: "1 request (the job's record)", notice: Self.cancelNotice(query.notice), values)
        return DashboardHTML.page(record == nil && summary == nil ? .notFound : .ok, DashboardTemplates.render("job", context))
    }

    /// The previous/next links and the label of the item table's page.
    static func pagination(failedOnly: Bool, after: Int, items: [DashboardStore.Item], pageNumber: Int, total: Int?, jobHref: String) -> [String: Any] {
        var values: [String: Any] = [:]
        let failedHref = jobHref + "&failed=1"
        if failedOnly {
            values["previousHref"] = after >= 0 ? failedHref : false
            values["nextHref"] = items.count == Self.itemsPerPage ? "\(failedHref)&after=\(items.last?.index ?? 0)" : false
            values["pageLabel"] = items.isEmpty ? "" : "failed items \(items.first?.index ?? 0)–\(items.last?.index ?? 0)"
        } else {
            let pages = max(1, ((total ?? 0) + Self.itemsPerPage - 1) / Self.itemsPerPage)
            values["previousHref"] = pageNumber > 1 ? "\(jobHref)&page=\(pageNumber - 1)" : false
            values["nextHref"] = pageNumber < pages ? "\(jobHref)&page=\(pageNumber + 1)" : false
            values["pageLabel"] = "page \(pageNumber) of \(pages)"
        }
        return values
    }

    /// The rows of the item table: on an index page every index of the page (recorded or pending), else the failed items.
    static func itemRows(
        _ items: [DashboardStore.Item], failedOnly: Bool, pageNumber: Int, total: Int?, id: String, keyInfix: String, now: Int64
    ) -> [[String: Any]] {
        func row(_ index: Int, _ item: DashboardStore.Item?) -> [String: Any] {
            [
                "index": index, "key": "\(id):\(keyInfix)\(index)", "state": item?.state ?? "pending", "attempt": item.map { String($0.attempt) } ?? "",
                "run": item?.runID.map { String($0) } ?? "", "finishedUTC": item.map { DashboardFormat.utc(milliseconds: $0.finishedAtMilliseconds) } ?? "",
                "finishedAge": item.map { DashboardFormat.age(milliseconds: $0.finishedAtMilliseconds, now: now) } ?? "",
                "detail": item.map { $0.state == ItemState.failed.rawValue ? ($0.error ?? "") : ($0.result ?? "") } ?? "",
            ]
        }
        if failedOnly { return items.map { row($0.index, $0) } }
        let start = (pageNumber - 1) * itemsPerPage
        let end = max(start + itemsPerPage, 0)
        let upper = min(end, max(total ?? 0, (items.last?.index ?? -1) + 1))
        guard upper > start else { return [] }
        let byIndex = Dictionary(items.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        return (start..<upper).map { row($0, byIndex[$0]) }
    }

    /// `2026-11-23 11:49:05 UTC (3 min ago)` from a Unix-ms field, or `false` (hidden) when absent.
    static func time(_ field: String?, now: Int64) -> Any {
        guard let field, let value = Double(field) else { return false }
        let milliseconds = Int64(value)
        return "\(DashboardFormat.utc(milliseconds: milliseconds)) (\(DashboardFormat.age(milliseconds: milliseconds, now: now)))"
    }

    /// A bar: done (green) then failed (red) over the total.
    static func progressBar(done: Int, failed: Int, total: Int) -> String {
        let width = 720.0
        let whole = Double(max(1, total))
        let doneWidth = min(width, width * Double(done) / whole)
        let failedWidth = min(width - doneWidth, width * Double(failed) / whole)
        func f(_ value: Double) -> String { String((value * 10).rounded() / 10) }
        return """
            <svg class="progress" viewBox="0 0 720 18" role="img" aria-label="\(done) done, \(failed) failed of \(total)" xmlns="http://www.w3.org/2000/svg">\
            <rect class="track" x="0" y="0" width="720" height="18" rx="4"/><rect class="done" x="0" y="0" width="\(f(doneWidth))" height="18"/>\
            <rect class="failed" x="\(f(doneWidth))" y="0" width="\(f(failedWidth))" height="18"/></svg>
            """
    }
}

extension String {
    /// Without leading and trailing `character`s.
    func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
