/// The queue checks, from the counts the Redis check read: stale ready jobs, dead letters, expired leases,
/// ready jobs of handlers the config does not define.
extension Doctor {
    /// Oldest ready job older than this (or 10 cron intervals, if longer) means runs are not keeping up.
    static let staleReadyAge: Int64 = 15 * 60 * 1000

    mutating func checkQueues(_ stats: [QueueStats], handlers: ConfiguredHandlers?) {
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
            if s.paused {
                level = .warning
                message = "paused (tick pause): runs lease nothing from it; tick resume \(s.queue) to resume; " + message
            }
            if let oldest = s.oldestReadyEnqueuedAt {
                let age = max(0, now - oldest)
                message += "; oldest ready job enqueued \(Self.age(age)) ago"
                if age > stale, !s.paused {
                    level = .warning
                    message += ": runs are not keeping up or not running; check the cron, raise --batch, or run tick drain"
                }
            }
            add(name, level, message)
            if s.dead > 0 {
                add("\(name).dead", .warning, "\(s.dead) dead-lettered job\(s.dead == 1 ? "" : "s"): read the reasons with tick dead list, then tick dead retry or purge")
            }
            if let handlers { checkHandlers(of: s, known: handlers.names, source: handlers.source) }
            if s.expiredLeases > 0 {
                add(
                    "\(name).leases", .warning,
                    "\(s.expiredLeases) lease\(s.expiredLeases == 1 ? "" : "s") past due: a run died or stalled; the next claim takes \(s.expiredLeases == 1 ? "it" : "them") back (dead-letters a job on its last attempt)")
            }
        }
    }

    /// An error per handler with ready jobs that a run reading this config would leave alone.
    private mutating func checkHandlers(of stats: QueueStats, known: Set<String>, source: String) {
        for (handler, ready) in stats.readyByHandler.sorted(by: { $0.key < $1.key }) where !known.contains(handler) {
            let name = handler.isEmpty ? "(none: the job names no handler the script could read)" : "\"\(handler)\""
            add(
                "queue.\(stats.queue).handler.\(handler)", .error,
                "\(ready) ready job\(ready == 1 ? "" : "s") for handler \(name), which \(source) does not define: runs leave them ready, untouched; add the handler there (or point TICK_CONFIG at the file that has it)")
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
