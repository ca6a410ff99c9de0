/// The queue checks, from the counts the Redis check read: stale ready jobs, dead letters, expired leases.
extension Doctor {
    /// Oldest ready job older than this (or 10 cron intervals, if longer) means runs are not keeping up.
    static let staleReadyAge: Int64 = 15 * 60 * 1000

    mutating func checkQueues(_ stats: [QueueStats]) {
        guard !stats.isEmpty else {
            add("queues", .ok, "no queues yet under prefix \(prefix) (nothing enqueued)")
            return
        }
        let now = UnixTime.nowMilliseconds()
        let stale = max(Self.staleReadyAge, Int64(cost.cadenceMinutes * 10 * 60_000))
        for s in stats {
            let name = "queue.\(s.queue)"
            var message = "ready \(s.ready), delayed \(s.delayed), leased \(s.leased), dead \(s.dead)"
            var level = DoctorCheck.Level.ok
            if let oldest = s.oldestReadyEnqueuedAt {
                let age = max(0, now - oldest)
                message += "; oldest ready job enqueued \(Self.age(age)) ago"
                if age > stale {
                    level = .warning
                    message += ": runs are not keeping up or not running; check the cron, raise --batch, or run tick drain"
                }
            }
            add(name, level, message)
            if s.dead > 0 {
                add("\(name).dead", .warning, "\(s.dead) dead-lettered job\(s.dead == 1 ? "" : "s"): read the reasons with tick dead list, then tick dead retry or purge")
            }
            if s.expiredLeases > 0 {
                add(
                    "\(name).leases", .warning,
                    "\(s.expiredLeases) lease\(s.expiredLeases == 1 ? "" : "s") past due: a run died or stalled; the next claim takes \(s.expiredLeases == 1 ? "it" : "them") back (dead-letters a job on its last attempt)")
            }
        }
    }

    /// `42 s`, `5 min`, `3 h 20 min`, `2 d 4 h`.
    static func age(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds < 120 { return "\(seconds) s" }
        let minutes = seconds / 60
        if minutes < 120 { return "\(minutes) min" }
        let hours = minutes / 60
        if hours < 48 { return "\(hours) h \(minutes % 60) min" }
        return "\(hours / 24) d \(hours % 24) h"
    }
}
