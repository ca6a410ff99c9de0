import Hummingbird
import TickCore

/// The config's schedules: next fire times (no I/O) and the last slot enqueued (1 Redis request, none without schedules).
extension DashboardResponder {
    /// Next fire times shown per schedule.
    static let upcomingCount = 3

    func schedulesPage(page: DashboardPage) async throws(DashboardError) -> Response {
        var last: [String: Int64] = [:]
        var usage = RedisUsage()
        if !schedules.isEmpty {
            (last, usage) = try await redis.withQueue { queue throws(DashboardError) in
                do throws(UpstashError) { return try await queue.lastScheduledSlots() } catch { throw .redis(error) }
            }
        }
        let now = page.now / 1000
        let rows = schedules.map { schedule -> [String: Any] in
            let catchUp: String
            switch schedule.catchUp {
            case .skip: catchUp = "skip"
            case .all(let limit): catchUp = "all (up to \(limit))"
            }
            var row: [String: Any] = [
                "name": schedule.name, "cron": schedule.expression.text, "zone": schedule.zone.identifier, "catchUp": catchUp,
                "handler": schedule.job.handler, "queue": schedule.job.queue,
                "next": schedule.upcoming(Self.upcomingCount, after: now).map { instant -> [String: Any] in
                    [
                        "local": Self.local(instant, schedule.zone), "utc": DashboardFormat.utc(milliseconds: instant * 1000),
                        "age": DashboardFormat.age(milliseconds: instant * 1000, now: page.now),
                    ]
                },
            ]
            if let slot = last[schedule.name] {
                row["last"] = [
                    "local": Self.local(slot / 1000, schedule.zone), "age": DashboardFormat.age(milliseconds: slot, now: page.now),
                    "jobID": schedule.jobID(slot: slot / 1000), "jobHref": "\(base)/job?id=\(DashboardForm.encode(schedule.jobID(slot: slot / 1000)))",
                ] as [String: Any]
            } else {
                row["last"] = false
            }
            return row
        }
        let values: [String: Any] = ["hasSchedules": !schedules.isEmpty, "schedules": rows]
        let context = page.context(
            title: "Schedules", section: .schedules, usage: usage, bound: "1 request (HGETALL of the last slots; none without schedules)", values)
        return DashboardHTML.page(.ok, DashboardTemplates.render("schedules", context))
    }

    /// `2026-11-24 09:00 JST` on the zone's wall clock.
    static func local(_ instant: Int64, _ zone: TimeZoneRules) -> String {
        let text = zone.localTime(at: instant).description.replacingFirst("T", with: " ")
        return "\(text.dropLast(3)) \(zone.localTimeType(at: instant).abbreviation)"
    }
}
