import Hummingbird
import Logging
import TickCore

/// Dead letters: a page of one queue's dead set (1 Redis request), retry (1 request), purge after a confirmation
/// page (0 requests, then 1).
extension DashboardResponder {
    /// Dead letters per page.
    static let deadPerPage = 25
    /// Most dead entries a filter looks at, newest first.
    static let deadScanLimit = 5000
    /// Most jobs one action names.
    static let maximumActionIDs = 500

    /// Where a dead-letter page is: queue, filter, page.
    struct DeadView {
        var queue: String?
        var filter: String
        var page: Int

        init(_ query: DashboardDeadQuery) {
            queue = query.queue.flatMap { $0.isEmpty ? nil : String($0.prefix(64)) }
            filter = String((query.filter ?? "").prefix(200))
            page = min(max(1, DashboardQueryForms.integer(query.page) ?? 1), 1_000_000)
        }

        /// The view a form's `back` field names; the default view when it cannot be read.
        init(back: String?) {
            self.init((try? DashboardQueryForms.decode(DashboardDeadQuery.self, from: back ?? "")) ?? DashboardDeadQuery())
        }

        /// The query string of this view (values encoded), without `?`.
        func query(page: Int? = nil) -> String {
            var parts: [String] = []
            if let queue { parts.append("queue=\(DashboardForm.encode(queue))") }
            if !filter.isEmpty { parts.append("filter=\(DashboardForm.encode(filter))") }
            if let page = page ?? (self.page > 1 ? self.page : nil) { parts.append("page=\(page)") }
            return parts.joined(separator: "&")
        }
    }

    func deadPage(_ query: DashboardDeadQuery, page: DashboardPage) async throws(DashboardError) -> Response {
        let view = DeadView(query)
        let (result, usage) = try await redis.withQueue { queue throws(DashboardError) in
            try await queue.deadPage(
                queue: view.queue, offset: (view.page - 1) * Self.deadPerPage, limit: Self.deadPerPage, filter: view.filter,
                scanLimit: Self.deadScanLimit)
        }
        var shown = view
        shown.queue = result.queue
        let href = "\(base)/dead?"
        let pages = max(1, (result.matches + Self.deadPerPage - 1) / Self.deadPerPage)
        var values: [String: Any] = [
            "queue": result.queue, "filter": view.filter, "filtering": !view.filter.isEmpty, "total": result.total, "matches": result.matches,
            "scanned": result.scanned, "scanLimit": DashboardFormat.grouped(Self.deadScanLimit), "backQuery": shown.query(),
            "queues": result.queues.map { ["name": $0.name, "dead": $0.dead, "selected": $0.name == result.queue] as [String: Any] },
            "hasLetters": !result.letters.isEmpty,
            "letters": result.letters.map { letter -> [String: Any] in
                [
                    "id": letter.id, "jobHref": "\(base)/job?id=\(DashboardForm.encode(letter.id))", "reason": letter.reason,
                    "deadUTC": DashboardFormat.utc(milliseconds: letter.deadAtUnixMilliseconds),
                    "deadAge": DashboardFormat.age(milliseconds: letter.deadAtUnixMilliseconds, now: page.now), "attempt": letter.attempt,
                    "maxAttempts": letter.maxAttempts,
                ]
            },
            "pageLabel": "page \(view.page) of \(pages)",
            "previousHref": view.page > 1 ? href + shown.query(page: view.page - 1) : false,
            "nextHref": view.page < pages ? href + shown.query(page: view.page + 1) : false,
        ]
        if view.queue == nil, result.queues.isEmpty { values["queues"] = [["name": result.queue, "dead": 0, "selected": true] as [String: Any]] }
        let context = page.context(
            title: "Dead letters", section: .dead, usage: usage, bound: "1 request (one script: queues, counts and this page)",
            notice: Self.notice(query), values)
        return DashboardHTML.page(.ok, DashboardTemplates.render("dead", context))
    }

    /// The message an action left for the page it led to (from a fixed set; numbers only from the query).
    static func notice(_ query: DashboardDeadQuery) -> String? {
        let count = DashboardQueryForms.integer(query.n) ?? 0
        let of = DashboardQueryForms.integer(query.of) ?? count
        let stale = of > count ? " (\(of - count) of the \(of) selected were no longer dead)" : ""
        switch query.notice {
        case "retried": return "Retried \(count) job(s): back to ready with attempts reset\(stale). 1 Redis request."
        case "purged": return "Purged \(count) job(s) from Redis\(stale). 1 Redis request."
        case "none": return "No job was selected."
        default: return nil
        }
    }

    /// The ids an action names: the one button's (`only`), else every checked box; at most ``maximumActionIDs``.
    static func actionIDs(_ form: DashboardForm) -> [String] {
        if let only = form["only"], !only.isEmpty { return [only] }
        var seen = Set<String>()
        return form.all("id").filter { !$0.isEmpty && seen.insert($0).inserted }.prefix(maximumActionIDs).map { $0 }
    }

    /// `POST <path>/dead/retry`: the named dead jobs back to ready, then the dead-letter page again.
    func retry(_ form: DashboardForm, page: DashboardPage, log: DashboardLogFields) async -> Response {
        let view = DeadView(back: form["back"])
        let ids = Self.actionIDs(form)
        guard let queue = form["queue"], !queue.isEmpty, !ids.isEmpty else { return backToDead(view, notice: "none") }
        do throws(DashboardError) {
            let (moved, _) = try await redis.withQueue { jobs throws(DashboardError) in
                do throws(UpstashError) { return try await jobs.retryDead(queue: queue, ids: ids) } catch { throw .redis(error) }
            }
            log["dashboard.retried"] = "\(moved)"
            logger.notice("dashboard: retried dead jobs", metadata: ["queue": "\(queue)", "jobs": "\(moved)", "selected": "\(ids.count)"])
            return backToDead(view, notice: "retried&n=\(moved)&of=\(ids.count)")
        } catch {
            return DashboardHTML.message(.serviceUnavailable, base: base, title: "Unavailable", error.description)
        }
    }

    /// `POST <path>/dead/purge`: without `confirmed=yes`, the confirmation page; with it, deletes the named jobs.
    func purge(_ form: DashboardForm, page: DashboardPage, log: DashboardLogFields) async -> Response {
        let view = DeadView(back: form["back"])
        let ids = Self.actionIDs(form)
        guard let queue = form["queue"], !queue.isEmpty, !ids.isEmpty else { return backToDead(view, notice: "none") }
        guard form["confirmed"] == "yes" else {
            let values: [String: Any] = [
                "queue": queue, "ids": ids, "count": ids.count, "backQuery": view.query(), "cancelHref": "\(base)/dead?\(view.query())",
            ]
            let context = page.context(title: "Confirm purge", section: .dead, usage: RedisUsage(), bound: "0 requests", values)
            return DashboardHTML.page(.ok, DashboardTemplates.render("confirm", context))
        }
        do throws(DashboardError) {
            let (deleted, _) = try await redis.withQueue { jobs throws(DashboardError) in
                do throws(UpstashError) { return try await jobs.purgeDead(queue: queue, ids: ids) } catch { throw .redis(error) }
            }
            log["dashboard.purged"] = "\(deleted)"
            logger.notice("dashboard: purged dead jobs", metadata: ["queue": "\(queue)", "jobs": "\(deleted)", "selected": "\(ids.count)"])
            return backToDead(view, notice: "purged&n=\(deleted)&of=\(ids.count)")
        } catch {
            return DashboardHTML.message(.serviceUnavailable, base: base, title: "Unavailable", error.description)
        }
    }

    /// 303 to the dead-letter page `view`, with a notice.
    func backToDead(_ view: DeadView, notice: String) -> Response {
        let query = view.query()
        return DashboardHTML.seeOther("\(base)/dead?\(query.isEmpty ? "" : query + "&")notice=\(notice)")
    }
}
